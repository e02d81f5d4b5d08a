"""ktptui: the e-KTP print station for Disdukcapil offices."""

__version__ = "0.1.0"
