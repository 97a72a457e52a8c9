"""zhengfa-kg: a knowledge graph of China's law-enforcement and judicial supervision system.

Every fact in the graph is traceable to a verbatim quote in a source document.
Import submodules directly (``kg.build``, ``kg.validate`` …); this package
imports nothing heavy so that ``kg --help`` stays fast.
"""

__version__ = "0.1.0"
