"""Safe unpacking of archives into members: zip and kin, tar (any compression), ar and
.deb, rpm, 7z, single compressed files, nested to a depth, all within one budget."""

from anke.inputs.archives.expand import SNIFF_BYTES, Refused, Unpacked, expand
from anke.inputs.archives.limits import ArchiveLimits, Budget
from anke.inputs.archives.sniff import Format, sniff

__all__ = ["SNIFF_BYTES", "ArchiveLimits", "Budget", "Format", "Refused", "Unpacked", "expand",
           "sniff"]
