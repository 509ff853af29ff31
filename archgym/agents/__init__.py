"""Agents: SB3 agent construction from presets, baselines, TensorBoard callback, search records."""
