"""The annotation loop: annotation records, the tools' formats (Label Studio, doccano, Prodigy),
agreement between annotators, what to label next and which labels to check again.
"""

from stance.annotate._active import audit, suggest
from stance.annotate._agreement import agreement, cohen_kappa, write_disagreements
from stance.annotate._formats import FORMATS, ImportReport, export_tasks, import_annotations
from stance.annotate._records import SHIPPED, load_annotations, read_annotations, shipped_path

__all__ = [
    "FORMATS",
    "SHIPPED",
    "ImportReport",
    "agreement",
    "audit",
    "cohen_kappa",
    "export_tasks",
    "import_annotations",
    "load_annotations",
    "read_annotations",
    "shipped_path",
    "suggest",
    "write_disagreements",
]
