"""zhifa (执法): full-process recording and publicity of administrative enforcement."""

__version__ = "0.1.0"
