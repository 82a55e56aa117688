"""Registers across the groups one may see: decisions and actions, filtered, downloadable."""
