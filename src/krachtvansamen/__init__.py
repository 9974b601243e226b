"""Kracht van Samen: neighbourhoods see and strengthen their community strength."""

__version__ = "0.1.0"
