# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""The compiled reading core: the Python reference of stance.text, in C, with one behaviour.

Built by ``pip install`` (setup.py); chosen by :mod:`stance._core`. Each sentence is folded
and cut into words once; words become ids in a hash table built from the model's features,
the word lists and the gazetteer's aliases; the gazetteer, the reporting cues, the writer's
voice and the document's evidence are read over those ids and the sentence's characters; the
features become row numbers of the weight matrix directly, and the first stage's fixed-point
sums are added up in the same pass. What is rare and intricate (a headline's colon, a denial,
"what it calls", speaker tags, datelines, a splitter's abbreviation) is handed to the very
regular expressions and functions of the Python reference, behind exact tests that say when
they can match, so the two cores cannot disagree there.

The Python modules stay the specification: every function here names the one it mirrors, and
tests/test_core_equality.py holds the two to the same spans, mentions, attributions, feature
ids and probabilities.
"""

from cpython.unicode cimport (
    Py_UNICODE_ISALNUM,
    Py_UNICODE_ISALPHA,
    Py_UNICODE_ISDECIMAL,
    Py_UNICODE_ISDIGIT,
    Py_UNICODE_ISLOWER,
    Py_UNICODE_ISSPACE,
    Py_UNICODE_ISUPPER,
    Py_UNICODE_TOLOWER,
    PyUnicode_DATA,
    PyUnicode_1BYTE_KIND,
    PyUnicode_GET_LENGTH,
    PyUnicode_KIND,
    PyUnicode_READ,
)
from libc.stdint cimport int32_t, int64_t, uint32_t, uint64_t
from libc.math cimport exp, fmax, isfinite, log
from libc.stdlib cimport calloc, free, malloc, realloc
from libc.string cimport memcpy, memset, strlen

import numpy as np

from stance._labels import LABELS
from stance.text import _actors as _actors_py
from stance.text import _attribution as _attr_py
from stance.text import _document as _doc_py
from stance.text import _features as _feat_py
from stance.text import _splitting as _split_py
from stance.text._actors import Mention
from stance.text._attribution import Attribution
from stance.text._lexicon import lexicon
from stance.text._splitting import Span
from stance.text._tokens import fold

cdef extern from *:
    """
    #ifndef STANCE_SOURCE_SHA256
    #define STANCE_SOURCE_SHA256 "unknown"
    #endif
    """
    const char* STANCE_SOURCE_SHA256

SOURCE_SHA256 = STANCE_SOURCE_SHA256.decode("ascii")

# The version of the features this core computes (``_features.FEATURE_VERSION`` of the reference
# it mirrors): stance._core does not use a build whose version differs from the reference's.
FEATURE_VERSION = 7

import re as _re


cdef extern from "Python.h":
    object PyUnicode_New(Py_ssize_t size, Py_UCS4 maxchar)
    void PyUnicode_WRITE(int kind, void* data, Py_ssize_t index, Py_UCS4 value)


cdef inline Py_UCS4 lower_char(Py_UCS4 c) noexcept:
    """A character's simple lower case; ASCII without a call (most characters of any text)."""
    cdef uint32_t code = <uint32_t>c  # integer arithmetic (on a Py_UCS4, Cython makes strs)
    if code < 128:
        if 65 <= code <= 90:
            return <Py_UCS4>(code + 32)
        return c
    return Py_UNICODE_TOLOWER(c)


cdef str fold_fast(str text):
    """``_tokens.fold(text)``: ``text.lower()`` unless it holds one of the four letters that
    ``fold`` maps first (then ``fold`` itself).

    Beyond ASCII, each character's simple lower case written in C: ``str.lower`` looks up the
    full mapping character by character, and the two differ only for U+0130 (one of the four)
    and for a capital sigma, whose lower case depends on its neighbours (left to
    ``str.lower``). ``lower_mismatches`` checks every code point."""
    cdef Text t
    cdef Py_ssize_t i
    cdef Py_UCS4 c, low, top = 0
    cdef int kind
    cdef void* data
    cdef bint sigma = False
    if text.isascii():
        return text.lower()
    text_of(&t, text)
    for i in range(t.n):
        c = at(&t, i)
        if c == 0x130 or c == 0x131 or c == 0x17F or c == 0x212A:
            return fold(text)  # even after a sigma: fold maps these first
        if c == 0x3A3:
            sigma = True
        low = lower_char(c)
        if low > top:
            top = low
    if sigma:
        return text.lower()
    # the kind str.lower would give: the smallest that holds the largest lower-case character
    out = PyUnicode_New(t.n, top)
    kind = PyUnicode_KIND(out)
    data = PyUnicode_DATA(out)
    for i in range(t.n):
        PyUnicode_WRITE(kind, data, i, lower_char(at(&t, i)))
    return <str>out


def lower_mismatches():
    """Code points whose ``str.lower`` is not the one character ``fold_fast`` writes, the
    characters it leaves to Python aside (the tests expect none)."""
    cdef Py_UCS4 c
    cdef list bad = []
    for c in range(0x110000):
        if 0xD800 <= c <= 0xDFFF or c in (0x130, 0x131, 0x17F, 0x212A, 0x3A3):
            continue
        if chr(c).lower() != chr(lower_char(c)):
            bad.append(c)
    return bad


def char_class_mismatches():
    """Code points where this core's character classes differ from Python's (none)."""
    cdef Py_UCS4 c
    cdef list bad = []
    for c in range(0x110000):
        if (u_alnum(c) != Py_UNICODE_ISALNUM(c) or u_space(c) != Py_UNICODE_ISSPACE(c)
                or u_upper(c) != Py_UNICODE_ISUPPER(c) or u_lower(c) != Py_UNICODE_ISLOWER(c)
                or u_digit(c) != Py_UNICODE_ISDIGIT(c)):
            bad.append(c)
    return bad


# re.sub(r"^(?:the\s+)?(?:country's|ukrainian|russian)\s+", "the ", ..., flags=re.I) of
# Attributor._speaker, compiled once.
_PHRASE = _re.compile(r"^(?:the\s+)?(?:country's|ukrainian|russian)\s+", _re.I)

# The feature groups this core computes (the shipped model's); others use the reference.
SUPPORTED_GROUPS = frozenset(["ngrams", "attribution", "voice", "context", "document"])

# -- codes ---------------------------------------------------------------------------------

# Groups: the four an actor speaks for, then the reading's other values.
GROUP_NAMES = ("official_ukrainian", "russian_mod", "western_intelligence", "neutral",
               "none", "unresolved", "start", "end", "reporter")
DEF G_NEUTRAL = 3
DEF G_NONE = 4
DEF G_UNRES = 5
DEF G_START = 6
DEF G_END = 7
DEF G_REPORTER = 8
DEF N_SOURCE = 3  # the first three are SOURCE_GROUPS
HOW_NAMES = ("named", "pronoun", "headline", "framing", "unresolved", "declined")
DEF H_NAMED = 0
DEF H_PRONOUN = 1
DEF H_HEADLINE = 2
DEF H_FRAMING = 3
DEF H_UNRES = 4
DEF H_DECLINED = 5
KIND_NAMES = ("transcript", "assessment", "agency", "comments", "editorial", "institutional",
              "personal")
DEF N_KINDS = 7
DEF N_STAGE_KINDS = 5  # _document_stage.STAGE_KINDS: the first five of KIND_NAMES
DEF N_STATES = 2 + N_STAGE_KINDS  # _document_stage.N_STATES
DEF K_INSTITUTIONAL = 5  # kinds that do not say whose voice (_features._WHOSE_UNKNOWN)
DEF K_PERSONAL = 6
# The words' own copies in a kind of document (_features._domain): none, opinion, a voice.
DOMAIN_NAMES = ("", "op", "vo")
DEF D_NONE = 0
DEF D_OPINION = 1
DEF D_VOICE = 2
EVIDENCE_NAMES = ("outlet", "dateline", "speakers", "author", "title", "assessor", "none")
DEF E_OUTLET = 0
DEF E_DATELINE = 1
DEF E_SPEAKERS = 2
DEF E_AUTHOR = 3
DEF E_TITLE = 4
DEF E_ASSESSOR = 5
DEF E_NONE = 6
DEF N_EVIDENCE = 7
STATE_NAMES = ("furniture", "free", "attributed")
DEF S_FURNITURE = 0
DEF S_FREE = 1
DEF S_ATTRIBUTED = 2
ACTOR_KINDS = ("person", "office", "institution", "military_unit", "media", "agency",
               "channel", "group_term", "country")
DEF K_PERSON = 0
DEF K_OFFICE = 1
DEF K_INSTITUTION = 2
DEF K_AGENCY = 5
DEF K_MEDIA = 4
DEF K_CHANNEL = 6
VOICE_NAMES = ("first_person", "we", "you", "hedge", "evaluative", "figure", "when", "question",
               "exclaim")
DEF V_FIRST = 1
DEF V_WE = 2
DEF V_YOU = 4
DEF V_HEDGE = 8
DEF V_EVAL = 16
DEF V_FIGURE = 32
DEF V_WHEN = 64
DEF V_QUESTION = 128
DEF V_EXCLAIM = 256

# Word flags: the word lists a word is in, and a few words the reading names.
cdef uint64_t F_VERB = (<uint64_t>1) << 0
cdef uint64_t F_NOUNISH = (<uint64_t>1) << 1
cdef uint64_t F_DET = (<uint64_t>1) << 2
cdef uint64_t F_SUBJ = (<uint64_t>1) << 3
cdef uint64_t F_PART = (<uint64_t>1) << 4
cdef uint64_t F_INVERT = (<uint64_t>1) << 5
cdef uint64_t F_NEG = (<uint64_t>1) << 6
cdef uint64_t F_AUX = (<uint64_t>1) << 7
cdef uint64_t F_POSS = (<uint64_t>1) << 8
cdef uint64_t F_DOCNOUN = (<uint64_t>1) << 9
cdef uint64_t F_STOP = (<uint64_t>1) << 10
cdef uint64_t F_V_FIRST = (<uint64_t>1) << 11
cdef uint64_t F_V_WE = (<uint64_t>1) << 12
cdef uint64_t F_V_YOU = (<uint64_t>1) << 13
cdef uint64_t F_V_HEDGE = (<uint64_t>1) << 14
cdef uint64_t F_V_EVAL = (<uint64_t>1) << 15
cdef uint64_t F_WHEN = (<uint64_t>1) << 16
cdef uint64_t F_ASSESSMENT = (<uint64_t>1) << 17
cdef uint64_t F_FURNITURE = (<uint64_t>1) << 18
cdef uint64_t F_EDITORIAL = (<uint64_t>1) << 19
cdef uint64_t F_ASSESSING = (<uint64_t>1) << 20
cdef uint64_t F_BIO_IS = (<uint64_t>1) << 21
cdef uint64_t F_BIO_A = (<uint64_t>1) << 22
cdef uint64_t F_BIO_AT = (<uint64_t>1) << 23
cdef uint64_t F_ACCORDING = (<uint64_t>1) << 24
cdef uint64_t F_IN = (<uint64_t>1) << 25
cdef uint64_t F_TO = (<uint64_t>1) << 26
cdef uint64_t F_NEED = (<uint64_t>1) << 27
cdef uint64_t F_TOLD = (<uint64_t>1) << 28
cdef uint64_t F_ALIAS_FIRST = (<uint64_t>1) << 29
cdef uint64_t F_ALIAS_ONE = (<uint64_t>1) << 30  # a one-word alias
# Token-only flags (not of the word): its first character is a digit; it starts "disgrace".
cdef uint64_t T_DIGIT = (<uint64_t>1) << 31
cdef uint64_t T_DISGRACE = (<uint64_t>1) << 32
cdef uint64_t T_ASCII = (<uint64_t>1) << 33  # every character of the word in the original text is ASCII
cdef uint64_t F_DECLINE = (<uint64_t>1) << 34  # declined refused declining refusing
cdef uint64_t F_WHAT = (<uint64_t>1) << 35
# Characters a sentence holds (Sent.chars): the tests before the reference's expressions.
DEF C_COLON = 1
DEF C_HYPHEN = 2
DEF C_DASH = 4  # – or —

cdef uint64_t F_CUE_WORD = F_VERB | F_ACCORDING | F_POSS
cdef uint64_t F_CUE_TRIGGER = F_VERB | F_ACCORDING | F_IN

# -- text access -------------------------------------------------------------------------

cdef struct Text:
    int kind
    void* data
    Py_ssize_t n


cdef inline void text_of(Text* t, str s):
    t.kind = PyUnicode_KIND(s)
    t.data = PyUnicode_DATA(s)
    t.n = PyUnicode_GET_LENGTH(s)


cdef inline Py_UCS4 at(Text* t, Py_ssize_t i) noexcept:
    return PyUnicode_READ(t.kind, t.data, i)


# Character classes of str.isalnum, isspace, isupper, islower and isdigit, with an ASCII fast
# path (the same answers: tests/test_core_equality.py checks every code point).
cdef inline bint u_alnum(Py_UCS4 c) noexcept:
    if c < 128:
        return (48 <= c <= 57) or (65 <= c <= 90) or (97 <= c <= 122)
    return Py_UNICODE_ISALNUM(c)


cdef inline bint u_space(Py_UCS4 c) noexcept:
    if c < 128:
        return c == 32 or (9 <= c <= 13) or (28 <= c <= 31)
    return Py_UNICODE_ISSPACE(c)


cdef inline bint u_upper(Py_UCS4 c) noexcept:
    if c < 128:
        return 65 <= c <= 90
    return Py_UNICODE_ISUPPER(c)


cdef inline bint u_lower(Py_UCS4 c) noexcept:
    if c < 128:
        return 97 <= c <= 122
    return Py_UNICODE_ISLOWER(c)


cdef inline bint u_digit(Py_UCS4 c) noexcept:
    if c < 128:
        return 48 <= c <= 57
    return Py_UNICODE_ISDIGIT(c)


cdef inline bint is_word(Py_UCS4 c) noexcept:
    """A character of a word (``[^\\W_]``, str.isalnum)."""
    return u_alnum(c)


cdef inline bint is_re_word(Py_UCS4 c) noexcept:
    """``\\w`` of Python's regular expressions: alphanumeric or underscore."""
    return c == 95 or u_alnum(c)


cdef inline bint is_quote_mark(Py_UCS4 c) noexcept:
    return c == 0x201C or c == 0x201D or c == 0xAB or c == 0xBB or c == 34


cdef bint has_text(Text* t, Py_ssize_t pos, const char* word) noexcept:
    """Whether the folded text ``t`` holds ``word`` (ASCII) at ``pos``."""
    cdef Py_ssize_t k = 0
    if pos < 0:
        return False
    while word[k] != 0:
        if pos + k >= t.n or at(t, pos + k) != <Py_UCS4>word[k]:
            return False
        k += 1
    return True


cdef Py_ssize_t find_ascii(Text* t, const char* word, Py_ssize_t m, Py_ssize_t lo, Py_ssize_t hi):
    """The first position of ASCII ``word`` in ``t[lo:hi]``, or -1."""
    cdef Py_ssize_t i, k
    for i in range(lo, hi - m + 1):
        for k in range(m):
            if at(t, i + k) != <Py_UCS4>word[k]:
                break
        else:
            return i
    return -1


cdef bint contains_char(Text* t, Py_UCS4 c, Py_ssize_t lo, Py_ssize_t hi):
    cdef Py_ssize_t i
    for i in range(lo, hi):
        if at(t, i) == c:
            return True
    return False


# -- hash tables -------------------------------------------------------------------------

cdef inline uint64_t mix(uint64_t h) noexcept:
    h ^= h >> 33
    h *= 0xFF51AFD7ED558CCDULL
    h ^= h >> 33
    return h


cdef struct WordSlot:
    uint64_t hash  # 0 marks an empty slot
    int32_t id
    int32_t unused


cdef struct WordSpan:
    uint32_t offset  # where the word's code points start in the pool
    uint32_t length


cdef struct PairSlot:
    uint64_t key  # 0 marks an empty slot
    int32_t value
    int32_t unused


cdef class WordTable:
    """Words (sequences of code points) to ids, by open addressing over 64-bit hashes.

    A lookup reads slots only: a word is known by its 64-bit hash, as spaCy's string store
    knows it (two different words share one with a chance of about 1e-19 a lookup), and the
    words themselves are compared only while the table is built, where two of the model's own
    words sharing a hash would be an error. The table is sized to the words it holds (it
    doubles as they come), so that a model's tens of thousands of words stay in the cache.
    """

    cdef WordSlot* slots
    cdef Py_ssize_t size
    cdef Py_ssize_t count
    cdef WordSpan* spans  # word id -> its code points in the pool (for building only)
    cdef Py_ssize_t capacity
    cdef Py_UCS4* pool
    cdef Py_ssize_t pool_used
    cdef Py_ssize_t pool_size

    def __cinit__(self, Py_ssize_t expected):
        self.size = 1024
        self.slots = <WordSlot*>calloc(self.size, sizeof(WordSlot))
        self.capacity = expected + 16
        self.spans = <WordSpan*>malloc(self.capacity * sizeof(WordSpan))
        self.pool_size = 16 * self.capacity
        self.pool = <Py_UCS4*>malloc(self.pool_size * sizeof(Py_UCS4))
        self.pool_used = 0
        self.count = 0
        if not (self.slots and self.spans and self.pool):
            raise MemoryError()

    def __dealloc__(self):
        free(self.slots)
        free(self.spans)
        free(self.pool)

    cdef inline uint64_t hash_of(self, Text* t, Py_ssize_t start, Py_ssize_t end) noexcept:
        cdef uint64_t h = 0xCBF29CE484222325ULL
        cdef Py_ssize_t i
        for i in range(start, end):
            h = (h ^ <uint64_t>at(t, i)) * 0x100000001B3ULL
        return mix(h) | 1  # 0 marks an empty slot

    cdef inline Py_ssize_t slot_of(self, uint64_t h) noexcept:
        """The slot holding hash ``h``, or the empty slot where it would go."""
        cdef Py_ssize_t mask = self.size - 1
        cdef Py_ssize_t slot = <Py_ssize_t>(h & mask)
        while self.slots[slot].hash != 0 and self.slots[slot].hash != h:
            slot = (slot + 1) & mask
        return slot

    cdef int32_t find(self, Text* t, Py_ssize_t start, Py_ssize_t end) noexcept:
        cdef Py_ssize_t slot = self.slot_of(self.hash_of(t, start, end))
        return self.slots[slot].id if self.slots[slot].hash != 0 else -1

    cdef int grow(self) except -1:
        """Double the slots, placing every word again by its hash."""
        cdef Py_ssize_t old_size = self.size, i
        cdef WordSlot* old = self.slots
        self.slots = <WordSlot*>calloc(2 * old_size, sizeof(WordSlot))
        if not self.slots:
            self.slots = old
            raise MemoryError()
        self.size = 2 * old_size
        for i in range(old_size):
            if old[i].hash != 0:
                self.slots[self.slot_of(old[i].hash)] = old[i]
        free(old)
        return 0

    cdef int32_t add(self, str word) except -2:
        cdef Text t
        text_of(&t, word)
        return self.add_range(&t, 0, t.n)

    cdef int32_t add_range(self, Text* t, Py_ssize_t start, Py_ssize_t end) except -2:
        """The id of the word ``t[start:end]``, added if new."""
        cdef uint64_t h = self.hash_of(t, start, end)
        cdef Py_ssize_t k, m = end - start, slot = self.slot_of(h)
        cdef int32_t wid
        cdef Py_UCS4* word
        if self.slots[slot].hash != 0:  # known, unless two words share the hash
            wid = self.slots[slot].id
            word = self.pool + self.spans[wid].offset
            if self.spans[wid].length != <uint32_t>m:
                raise ValueError("two words of the model share a 64-bit hash")
            for k in range(m):
                if word[k] != at(t, start + k):
                    raise ValueError("two words of the model share a 64-bit hash")
            return wid
        if self.count >= self.capacity or self.pool_used + m >= 0xFFFFFFFF:
            raise MemoryError("word table full")
        while self.pool_used + m > self.pool_size:
            self.pool_size *= 2
            self.pool = <Py_UCS4*>realloc(self.pool, self.pool_size * sizeof(Py_UCS4))
            if not self.pool:
                raise MemoryError()
        wid = <int32_t>self.count
        self.spans[wid].offset = <uint32_t>self.pool_used
        self.spans[wid].length = <uint32_t>m
        for k in range(m):
            self.pool[self.pool_used + k] = at(t, start + k)
        self.pool_used += m
        if 2 * (self.count + 1) > self.size:
            self.grow()
            slot = self.slot_of(h)
        self.slots[slot].hash = h
        self.slots[slot].id = wid
        self.count += 1
        return wid


cdef class PairTable:
    """Pairs of word ids to an int (a bigram's feature row, an alias group), open addressing;
    a slot holds its key and value side by side (one cache line read per lookup)."""

    cdef PairSlot* slots
    cdef Py_ssize_t size

    def __cinit__(self, Py_ssize_t expected):
        self.size = 1
        while self.size < 2 * expected + 16:
            self.size <<= 1
        self.slots = <PairSlot*>calloc(self.size, sizeof(PairSlot))
        if not self.slots:
            raise MemoryError()

    def __dealloc__(self):
        free(self.slots)

    cdef inline uint64_t key(self, int32_t a, int32_t b) noexcept:
        # +1 keeps the key of (0, -1) away from 0, the empty slot.
        return ((<uint64_t>(a + 1)) << 32) | (<uint64_t>(<uint32_t>(b + 1)))

    cdef int32_t get(self, int32_t a, int32_t b) noexcept:
        cdef uint64_t k = self.key(a, b)
        cdef Py_ssize_t mask = self.size - 1
        cdef Py_ssize_t slot = <Py_ssize_t>(mix(k) & mask)
        while self.slots[slot].key != 0:
            if self.slots[slot].key == k:
                return self.slots[slot].value
            slot = (slot + 1) & mask
        return -1

    cdef void put(self, int32_t a, int32_t b, int32_t value) noexcept:
        cdef uint64_t k = self.key(a, b)
        cdef Py_ssize_t mask = self.size - 1
        cdef Py_ssize_t slot = <Py_ssize_t>(mix(k) & mask)
        while self.slots[slot].key != 0 and self.slots[slot].key != k:
            slot = (slot + 1) & mask
        self.slots[slot].key = k
        self.slots[slot].value = value


# -- growing buffers ------------------------------------------------------------------------

cdef struct Token:
    Py_ssize_t start
    Py_ssize_t end
    int32_t wid
    uint64_t flags
    bint outside  # not inside a quotation


cdef struct CMention:
    Py_ssize_t start
    Py_ssize_t end
    int32_t actor
    int group
    bint certain


cdef struct Region:
    Py_ssize_t start
    Py_ssize_t end


cdef struct Found:
    bint found
    Py_ssize_t sp_start
    Py_ssize_t sp_end
    Py_ssize_t cue_start
    Py_ssize_t cue_end
    int32_t actor
    int group  # -1: None
    int how


cdef struct Cue:
    Py_ssize_t start
    Py_ssize_t end
    int32_t token  # the cue word's token
    uint64_t flags


cdef struct Sent:
    Py_ssize_t tok0
    Py_ssize_t ntok
    Py_ssize_t men0
    Py_ssize_t nmen
    Py_ssize_t reg0
    Py_ssize_t nreg
    uint64_t out_flags  # flags of the words outside quotations, or-ed
    Py_ssize_t nout
    Found attr
    int group  # the speaker's group for the features: a group, G_NONE or G_UNRES
    int last
    int since
    bint quote_open
    int full_text
    int voice
    bint fired
    bint tag
    bint tag_reporter
    int tag_group
    bint furniture
    bint dateline
    bint assesses  # the attribution's cue is an assessment ("ISW assesses")
    uint32_t chars


cdef class Buffer:
    """A growable array of fixed-size records."""

    cdef char* data
    cdef Py_ssize_t item
    cdef Py_ssize_t used
    cdef Py_ssize_t capacity

    def __cinit__(self, Py_ssize_t item, Py_ssize_t capacity):
        self.item = item
        self.capacity = capacity
        self.used = 0
        self.data = <char*>malloc(item * capacity)
        if not self.data:
            raise MemoryError()

    def __dealloc__(self):
        free(self.data)

    cdef int reserve(self, Py_ssize_t n) except -1:
        cdef Py_ssize_t want = self.used + n
        if want <= self.capacity:
            return 0
        while self.capacity < want:
            self.capacity *= 2
        self.data = <char*>realloc(self.data, self.item * self.capacity)
        if not self.data:
            raise MemoryError()
        return 0


# -- tokens, quotations ------------------------------------------------------------------

cdef bint ends_with_stop(Text* t):
    """``_ENDS_WITH_STOP = [.!?]['\\"’”]?\\s*$`` of _attribution."""
    cdef Py_ssize_t i = t.n - 1
    while i >= 0 and u_space(at(t, i)):
        i -= 1
    if i < 0:
        return False
    cdef Py_UCS4 c = at(t, i)
    if c == 46 or c == 33 or c == 63:
        return True
    if (c == 39 or c == 34 or c == 0x2019 or c == 0x201D) and i > 0:
        c = at(t, i - 1)
        return c == 46 or c == 33 or c == 63
    return False


cdef int curly_regions(Text* t, Py_UCS4 opener, Py_UCS4 closer, Buffer out) except -1:
    """``_tokens._curly_regions``."""
    cdef Py_ssize_t i, first_close = -1, pos = 0, start, end
    cdef Region* r
    for i in range(t.n):
        if at(t, i) == closer:
            first_close = i
            break
    if first_close >= 0 and not contains_char(t, opener, 0, first_close):
        out.reserve(1)
        r = <Region*>out.data + out.used
        r.start, r.end = 0, first_close + 1
        out.used += 1
    while True:
        start = -1
        for i in range(pos, t.n):
            if at(t, i) == opener:
                start = i
                break
        if start < 0:
            break
        end = -1
        for i in range(start + 1, t.n):
            if at(t, i) == closer:
                end = i
                break
        out.reserve(1)
        r = <Region*>out.data + out.used
        out.used += 1
        if end < 0:
            r.start, r.end = start, t.n
            break
        r.start, r.end = start, end + 1
        pos = end + 1
    return 0


cdef int quoted_regions(Text* t, Buffer out) except -1:
    """``_tokens.quoted_regions``: appends the regions to ``out``."""
    cdef Py_ssize_t i
    cdef bint any_quote = False
    for i in range(t.n):
        if is_quote_mark(at(t, i)):
            any_quote = True
            break
    if not any_quote:
        return 0
    curly_regions(t, 0x201C, 0x201D, out)
    curly_regions(t, 0xAB, 0xBB, out)
    cdef Py_ssize_t inside_from = -1
    cdef Py_UCS4 before
    cdef Region* r
    for i in range(t.n):
        if at(t, i) != 34:
            continue
        if inside_from >= 0:
            out.reserve(1)
            r = <Region*>out.data + out.used
            r.start, r.end = inside_from, i + 1
            out.used += 1
            inside_from = -1
            continue
        if i > 0:
            before = at(t, i - 1)
            if (before == 46 or before == 44 or before == 63 or before == 33 or before == 0x2026
                    or u_alnum(before)) and (
                    i + 1 == t.n or not u_alnum(at(t, i + 1))):
                out.reserve(1)
                r = <Region*>out.data + out.used
                r.start, r.end = 0, i + 1
                out.used += 1
                continue
        inside_from = i
    if inside_from >= 0:
        out.reserve(1)
        r = <Region*>out.data + out.used
        r.start, r.end = inside_from, t.n
        out.used += 1
    return 0


cdef inline bint inside(Region* regions, Py_ssize_t n, Py_ssize_t pos) noexcept:
    cdef Py_ssize_t k
    for k in range(n):
        if regions[k].start <= pos < regions[k].end:
            return True
    return False


cdef bint quote_open_after(Text* t, bint state):
    """``_tokens.quote_open_after``."""
    cdef Py_ssize_t i
    cdef Py_UCS4 c
    for i in range(t.n):
        c = at(t, i)
        if c == 0x201C or c == 0xAB:
            state = True
        elif c == 0x201D or c == 0xBB:
            state = False
        elif c == 34:
            state = not state
    return state


# -- the side of an ambiguous name (_actors._SIDE_BEFORE) -----------------------------------

# The side words of _actors._SIDE_WORDS, in order: group, word, and what may follow the word
# (0 nothing, 1 more word characters "\\w*", 2 "'?s?").
cdef int N_SIDE = 34
cdef int SIDE_GROUP[34]
cdef const char* SIDE_WORD[34]
cdef int SIDE_TAIL[34]
_SIDE = (
    (0, b"ukrain", 1), (0, b"kyiv", 2), (0, b"kiev", 2), (0, b"zelensk", 1),
    (1, b"russia", 1), (1, b"moscow", 2), (1, b"kremlin", 1), (1, b"putin", 2),
    (1, b"pro-russian", 0), (1, b"pro-kremlin", 0), (1, b"russian-installed", 0),
    (1, b"russian-backed", 0), (1, b"russian-appointed", 0),
    (2, b"british", 0), (2, b"britain", 2), (2, b"uk", 0), (2, b"u.k.", 0), (2, b"english", 0),
    (2, b"us", 0), (2, b"u.s.", 0), (2, b"american", 0), (2, b"united states", 0),
    (2, b"nato", 2), (2, b"western", 0), (2, b"german", 1), (2, b"french", 0),
    (2, b"france", 2), (2, b"polish", 0), (2, b"eu", 0), (2, b"european", 0),
)
N_SIDE = len(_SIDE)
for _k, (_g, _w, _tail) in enumerate(_SIDE):
    SIDE_GROUP[_k] = _g
    SIDE_WORD[_k] = _w
    SIDE_TAIL[_k] = _tail


cdef bint side_tail(Text* t, Text* f, Py_ssize_t e, Py_ssize_t hi):
    """Whether ``[’'s]*\\W+(?:\\w+\\W+){0,2}$`` matches the window from ``e`` to its end
    ``hi``: after quote marks and s's, white space or punctuation, then at most two words,
    each followed by a non-word character."""
    cdef Py_ssize_t k, p, runs
    cdef Py_UCS4 c
    cdef bint in_word
    k = e
    while True:
        # rest[k:] = \W+ (\w+ \W+){0,2}: starts and ends with \W, at most two word runs
        if k < hi and not is_re_word(at(t, k)) and not is_re_word(at(t, hi - 1)):
            runs = 0
            in_word = False
            for p in range(k, hi):
                if is_re_word(at(t, p)):
                    if not in_word:
                        runs += 1
                        in_word = True
                else:
                    in_word = False
            if runs <= 2:
                return True
        if k >= hi:
            return False
        c = at(f, k)
        if c == 0x2019 or c == 39 or c == 115:  # [’'s]
            k += 1
        else:
            return False


cdef int side_group(Text* t, Text* f, Py_ssize_t lo, Py_ssize_t hi):
    """The group of ``_actors._SIDE_BEFORE.search(text[lo:hi])`` (-1: no match): the first
    side word, leftmost, that the last few words of the window follow."""
    cdef Py_ssize_t q, k, m, b, e
    cdef int a
    cdef const char* word
    cdef bint same
    for q in range(lo, hi):
        if q > lo and is_re_word(at(t, q - 1)):
            continue
        for a in range(N_SIDE):
            word = SIDE_WORD[a]
            if at(f, q) != <Py_UCS4>word[0]:
                continue
            m = 0
            same = True
            while word[m] != 0:
                if q + m >= hi or at(f, q + m) != <Py_UCS4>word[m]:
                    same = False
                    break
                m += 1
            if not same:
                continue
            b = q + m
            if SIDE_TAIL[a] == 0:
                if side_tail(t, f, b, hi):
                    return SIDE_GROUP[a]
            elif SIDE_TAIL[a] == 1:
                e = b
                while e < hi and is_re_word(at(t, e)):
                    e += 1
                while e >= b:
                    if side_tail(t, f, e, hi):
                        return SIDE_GROUP[a]
                    e -= 1
            else:
                if b < hi and at(f, b) == 39:
                    if b + 1 < hi and at(f, b + 1) == 115 and side_tail(t, f, b + 2, hi):
                        return SIDE_GROUP[a]
                    if side_tail(t, f, b + 1, hi):
                        return SIDE_GROUP[a]
                if b < hi and at(f, b) == 115 and side_tail(t, f, b + 1, hi):
                    return SIDE_GROUP[a]
                if side_tail(t, f, b, hi):
                    return SIDE_GROUP[a]
    return -1


# -- the speaker phrase's tests (_attribution._PRONOUN, _PHRASE, _NAME) ----------------------

_PRONOUNS = (b"he", b"she", b"they", b"it", b"we", b"i")
_TITLES = (b"president", b"minister", b"spokesman", b"spokeswoman", b"spokesperson", b"governor",
           b"mayor", b"official", b"officials", b"ministry", b"agency", b"general", b"commander",
           b"adviser", b"advisor", b"department", b"office", b"military", b"army", b"statement",
           b"update", b"report", b"bulletin", b"source", b"sources", b"leader", b"chief", b"head",
           b"secretary", b"kremlin", b"alliance", b"bloc")
_NATIONALS = (b"country's", b"ukrainian", b"russian")


cdef bint equals_at(Text* f, Py_ssize_t start, Py_ssize_t end, const char* word):
    return end - start == <Py_ssize_t>strlen(word) and has_text(f, start, word)


cdef bint is_title(Text* f, Py_ssize_t start, Py_ssize_t end):
    """``(?:president|...|prime\\s+minister|kremlin|alliance|bloc)$`` on the folded span."""
    cdef bytes word
    cdef Py_ssize_t p
    for word in _TITLES:
        if equals_at(f, start, end, word):
            return True
    if has_text(f, start, b"prime") and start + 5 < end and u_space(at(f, start + 5)):
        p = start + 5
        while p < end and u_space(at(f, p)):
            p += 1
        return equals_at(f, p, end, b"minister")
    return False


cdef Py_ssize_t after_spaces(Text* f, Py_ssize_t p, Py_ssize_t end):
    """Past a run of white space at ``p`` (at least one character), or -1."""
    if p >= end or not u_space(at(f, p)):
        return -1
    while p < end and u_space(at(f, p)):
        p += 1
    return p


cdef bint pronoun_like(Text* f, Py_ssize_t start, Py_ssize_t end):
    """``_PRONOUN.match(span) or _PRONOUN.match(_PHRASE.sub("the ", span))`` on the folded
    span: a pronoun or "the" + a title, also after "the country's", "Ukrainian", "Russian"."""
    cdef bytes word
    cdef Py_ssize_t p, q
    if end > start and at(f, end - 1) == 10:  # $ also matches before a final line break
        end -= 1
    for word in _PRONOUNS:
        if equals_at(f, start, end, word):
            return True
    if has_text(f, start, b"the"):
        p = after_spaces(f, start + 3, end)
        if p >= 0 and is_title(f, p, end):
            return True
    # _PHRASE: an optional "the" and white space, a national word, white space: "the " + rest
    for q in range(2):
        p = start
        if q == 0:
            if not has_text(f, start, b"the"):
                continue
            p = after_spaces(f, start + 3, end)
            if p < 0:
                continue
        for word in _NATIONALS:
            if has_text(f, p, word):
                p = after_spaces(f, p + len(word), end)
                if p >= 0:
                    return is_title(f, p, end)
                break
    return False


cdef bint has_name(Text* t, Py_ssize_t start, Py_ssize_t end):
    """``_NAME.search(span)``: a capital A-Z starting a word, and one more word character,
    quote mark or hyphen."""
    cdef Py_ssize_t p
    cdef Py_UCS4 c
    for p in range(start, end - 1):
        if not (65 <= at(t, p) <= 90):
            continue
        if p > start and is_re_word(at(t, p - 1)):
            continue
        c = at(t, p + 1)
        if is_re_word(c) or c == 39 or c == 0x2019 or c == 45:
            return True
    return False


cdef Py_ssize_t count_words(Text* t, Py_ssize_t start, Py_ssize_t end):
    """``len(span.split())``."""
    cdef Py_ssize_t p, n = 0
    cdef bint in_word = False
    for p in range(start, end):
        if u_space(at(t, p)):
            in_word = False
        elif not in_word:
            in_word = True
            n += 1
    return n


# -- the attribution's scanners ------------------------------------------------------------

_AUX_NOT = (b"did", b"does", b"do", b"has", b"have", b"had", b"could", b"would")


cdef tuple HOST_WORDS = tuple(_doc_py._HOST_WORDS)


cdef inline bint _may_host(str text):
    """``_document._host_match``'s substring test, without the Python calls."""
    cdef str word
    for word in HOST_WORDS:
        if word in text:
            return True
    return False


cdef Py_ssize_t _may_decline(Text* f, Token* toks, Py_ssize_t ntok):
    """Where ``_attribution._DECLINED`` can first match, or -1 where it cannot: it needs a
    word "declined", "refused", "declining" or "refusing", or a word that starts with did,
    does, do, has, have, had, could or would followed (after white space, if any) by "not"
    or "n't"; a match starts at such a word."""
    cdef Py_ssize_t k, p
    cdef bytes aux
    cdef Py_UCS4 c
    for k in range(ntok):
        if toks[k].flags & F_DECLINE:
            return toks[k].start
        c = at(f, toks[k].start)
        if c != 100 and c != 104 and c != 99 and c != 119:  # d h c w
            continue
        for aux in _AUX_NOT:
            if toks[k].end - toks[k].start >= len(aux) and has_text(f, toks[k].start, aux):
                p = toks[k].start + len(aux)
                while p < f.n and u_space(at(f, p)):
                    p += 1
                if p + 3 <= f.n and (
                        (at(f, p) == 110 and at(f, p + 1) == 111 and at(f, p + 2) == 116)
                        or (at(f, p) == 110 and (at(f, p + 1) == 39 or at(f, p + 1) == 0x2019)
                            and at(f, p + 2) == 116)):
                    return toks[k].start
    return -1


cdef Py_ssize_t _first_flag(Token* toks, Py_ssize_t ntok, uint64_t flag):
    """The start of the first word with ``flag``, or -1."""
    cdef Py_ssize_t k
    for k in range(ntok):
        if toks[k].flags & flag:
            return toks[k].start
    return -1


cdef Py_ssize_t _tail_start(Text* t):
    """Where ``_attribution._HEADLINE_TAIL`` can first match: it starts with white space
    before a dash, or with a colon."""
    cdef Py_ssize_t i
    cdef Py_UCS4 c
    for i in range(t.n):
        c = at(t, i)
        if c == 58:
            return i
        if c == 45 or c == 0x2013 or c == 0x2014:
            return i - 1 if i > 0 else 0
    return t.n


cdef bint _may_be_headline(Text* t):
    """False only where ``_attribution._HEADLINE_COLON`` cannot match: its colon is the first
    one, with no quotation mark before it, at most 40 characters of text (besides white
    space around them) before it, and white space and a character after it."""
    cdef Py_ssize_t i, first = -1, last = -1
    cdef Py_UCS4 c
    for i in range(t.n):
        c = at(t, i)
        if c == 58:
            break
        if c == 34 or c == 0x201C or c == 0x201D:
            return False
        if not u_space(c):
            if first < 0:
                first = i
            last = i
    else:
        return False
    if first < 0 or last - first + 1 > 40:
        return False
    i += 1
    if i >= t.n or not u_space(at(t, i)):
        return False
    while i < t.n and u_space(at(t, i)):
        i += 1
    return i < t.n


cdef bint _may_be_tag(Text* t):
    """False only where ``_document._TAG`` and ``_WHITE_HOUSE_Q`` cannot match: "Q" and white
    space or a stop; or, before the first colon (a parenthesis aside), words that start with
    a capital A-Z, or are "of", "the", "de", "von", "van", "al" or one digit."""
    cdef Py_ssize_t i = 0, start
    cdef Py_UCS4 c
    while i < t.n and u_space(at(t, i)):
        i += 1
    if i + 1 < t.n and at(t, i) == 81 and (u_space(at(t, i + 1)) or at(t, i + 1) == 46):
        return True
    if i >= t.n or not (65 <= at(t, i) <= 90):
        return False
    while i < t.n:
        c = at(t, i)
        if c == 58:
            return True
        if c == 40:
            return True  # a parenthesis: leave it to the expression
        if u_space(c):
            i += 1
            continue
        start = i
        while i < t.n and not u_space(at(t, i)) and at(t, i) != 58 and at(t, i) != 40:
            i += 1
        c = at(t, start)
        if 65 <= c <= 90:
            continue
        if i - start == 1 and Py_UNICODE_ISDECIMAL(c):
            continue
        if not (has_text(t, start, b"of") and i - start == 2 or has_text(t, start, b"the")
                and i - start == 3 or has_text(t, start, b"de") and i - start == 2
                or has_text(t, start, b"von") and i - start == 3
                or has_text(t, start, b"van") and i - start == 3
                or has_text(t, start, b"al") and i - start == 2):
            return False
    return False


cdef bint _is_personal_text(Text* f, Py_ssize_t start, Py_ssize_t end):
    """``_attribution._PERSONAL.match`` of the folded span: he, she or i (and a final line
    break, which ``$`` allows)."""
    if end - start >= 1 and at(f, end - 1) == 10:
        end -= 1
    if end - start == 1:
        return at(f, start) == 105
    if end - start == 2:
        return at(f, start) == 104 and at(f, start + 1) == 101
    if end - start == 3:
        return at(f, start) == 115 and at(f, start + 1) == 104 and at(f, start + 2) == 101
    return False


cdef bint is_boundary_char(Py_UCS4 c) noexcept:
    # [,;:()\[\]“”\"‘’—–]
    return (c == 44 or c == 59 or c == 58 or c == 40 or c == 41 or c == 91 or c == 93
            or c == 0x201C or c == 0x201D or c == 34 or c == 0x2018 or c == 0x2019
            or c == 0x2014 or c == 0x2013)


cdef Py_ssize_t word_at(Text* t, Text* f, Py_ssize_t pos, Py_ssize_t endpos, const char* word):
    """The end of ``\\bword\\b`` matched at ``pos`` (case-insensitively: ``f`` is the folded
    text), ``endpos`` taken for the end of the string; -1 when it does not match."""
    cdef Py_ssize_t m = strlen(word)
    if pos + m > endpos:
        return -1
    if pos > 0 and is_re_word(at(t, pos - 1)):
        return -1
    if not has_text(f, pos, word):
        return -1
    if pos + m < endpos and is_re_word(at(t, pos + m)):
        return -1
    return pos + m


cdef Py_ssize_t boundary_at(Text* t, Text* f, Py_ssize_t pos, Py_ssize_t endpos):
    """The end of a match of _attribution._BOUNDARY at ``pos``, or -1."""
    cdef Py_UCS4 c = at(t, pos)
    cdef Py_ssize_t e
    if is_boundary_char(c):
        return pos + 1
    if u_space(c):
        if pos + 2 < endpos and at(t, pos + 1) == 45 and u_space(at(t, pos + 2)):
            return pos + 3
        return -1
    c = at(f, pos)
    if c == 116:  # t
        return word_at(t, f, pos, endpos, b"that")
    if c == 119:  # w
        return word_at(t, f, pos, endpos, b"while")
    if c == 98:  # b
        return word_at(t, f, pos, endpos, b"but")
    if c == 97:  # a
        return word_at(t, f, pos, endpos, b"and")
    return -1


cdef Py_ssize_t clause_before(Text* t, Text* f, Py_ssize_t end):
    """``_attribution._clause_before``: the start of the clause ending at ``end``."""
    cdef Py_ssize_t start = 0, pos = end - 120, e
    if pos < 0:
        pos = 0
    while pos < end:
        e = boundary_at(t, f, pos, end)
        if e >= 0:
            start = e
            pos = e
        else:
            pos += 1
    return start


cdef Py_ssize_t clause_after(Text* t, Text* f, Py_ssize_t start):
    """``_attribution._clause_after``: the end of the clause starting at ``start``."""
    cdef Py_ssize_t limit = start + 120, pos, end = -1
    cdef Py_UCS4 c
    if limit > t.n:
        limit = t.n
    pos = start
    while pos < limit:
        if boundary_at(t, f, pos, limit) >= 0:
            end = pos
            break
        pos += 1
    if end < 0:
        end = limit
    while end > start:
        c = at(t, end - 1)
        if c == 32 or c == 46 or c == 33 or c == 63:
            end -= 1
        else:
            break
    return end


cdef inline bint trim_char(Py_UCS4 c) noexcept:
    # " \t.,;:()"
    return c == 32 or c == 9 or c == 46 or c == 44 or c == 59 or c == 58 or c == 40 or c == 41


cdef void trim(Text* t, Py_ssize_t* start, Py_ssize_t* end) noexcept:
    """``_attribution._trim``."""
    cdef Py_ssize_t a = start[0], b = end[0], left, right
    if b < a:
        b = a
    left = a
    while left < b and trim_char(at(t, left)):
        left += 1
    right = b
    while right > a and trim_char(at(t, right - 1)):
        right -= 1
    start[0] = left
    end[0] = right if right > left else left


_SUBORDINATES = (b"after", b"as", b"while", b"because", b"since", b"when", b"although", b"though",
                 b"before", b"until", b"once", b"if", b"unless")


cdef bint subordinate_at(Text* t, Text* f, Py_ssize_t pos):
    """``_attribution._SUBORDINATE.match(text, pos)``."""
    cdef bytes word
    cdef Py_ssize_t m
    while pos < t.n and u_space(at(t, pos)):
        pos += 1
    for word in _SUBORDINATES:
        m = len(word)
        if has_text(f, pos, word) and (pos + m == t.n or not is_re_word(at(t, pos + m))):
            return True
    return False


cdef bint _not_underscore(Text* f, Py_ssize_t pos, Region* regs, Py_ssize_t nreg):
    """The character at ``pos`` of the text with its quotations blanked is no underscore (or
    ``pos`` is outside the text): a word boundary next to a word."""
    if pos < 0 or pos >= f.n:
        return True
    if nreg and inside(regs, nreg, pos):
        return True
    return at(f, pos) != 95


cdef bint _may_be_dateline(Text* t):
    """False only where ``_document._is_dateline`` is False: its credit starts with "/" or
    "(", and its place (the text before the first "," "(" "—" or " - ") has no lower-case
    letter."""
    cdef Py_ssize_t i = 0
    cdef Py_UCS4 c
    while i < t.n and u_space(at(t, i)):
        i += 1
    if i < t.n and (at(t, i) == 47 or at(t, i) == 40):
        return True
    while i < t.n:
        c = at(t, i)
        if c == 44 or c == 40 or c == 0x2014 or c == 45:
            return True
        if u_lower(c):
            return False
        i += 1
    return True


cdef bint _may_open_comment(Text* t):
    """False only where ``_document._COMMENT_OPENER`` cannot match: its first character
    after spaces is a digit, "@" or ">"."""
    cdef Py_ssize_t k = 0
    cdef Py_UCS4 c
    while k < t.n and u_space(at(t, k)):
        k += 1
    if k == t.n:
        return False
    c = at(t, k)
    return (48 <= c <= 57) or c == 64 or c == 62


cdef bint _is_comments(Text* f):
    """``fold(s).strip(" :") == "comments"``."""
    cdef Py_ssize_t a = 0, b = f.n
    while a < b and (at(f, a) == 32 or at(f, a) == 58):
        a += 1
    while b > a and (at(f, b - 1) == 32 or at(f, b - 1) == 58):
        b -= 1
    return b - a == 8 and has_text(f, a, b"comments")


cdef bint _cue_assesses(Token* toks, Py_ssize_t ntok, Py_ssize_t start, Py_ssize_t end):
    """``_document._assesses``: a word of the cue is an assessing verb (the cue's bounds are
    word bounds wherever the attribution has a group)."""
    cdef Py_ssize_t k
    for k in range(ntok):
        if toks[k].start >= start and toks[k].end <= end and (toks[k].flags & F_ASSESSING):
            return True
    return False


cdef int _most_common(Sent* sents, Py_ssize_t n, bint tags, int* counts, int* order):
    """``Counter(...).most_common(1)`` of the source groups of the speaker tags (``tags``) or
    of the assessing attributions: the most frequent, the first seen on a tie; -1: none."""
    cdef Py_ssize_t i
    cdef int g, k, seen = 0, best = -1
    for k in range(3):
        counts[k] = 0
    for i in range(n):
        if tags:
            g = sents[i].tag_group if sents[i].tag else -1
        else:
            g = sents[i].attr.group if sents[i].attr.found and sents[i].assesses else -1
        if g < 0 or g >= N_SOURCE:
            continue
        if counts[g] == 0:
            order[seen] = g
            seen += 1
        counts[g] += 1
    for k in range(seen):
        if best < 0 or counts[order[k]] > counts[best]:
            best = order[k]
    return best


# -- the reader ----------------------------------------------------------------------------

cdef object _OUTLET_MISSING = object()


cdef class Reader:
    """The compiled reading of one model's features: build once per model, read any batch."""

    cdef WordTable words
    cdef uint64_t* flags  # per word id
    cdef int32_t* unigram  # per word id: the row of "w:word", or -1
    cdef PairTable bigrams
    # the same, of the words' copies in a kind of document: "op|w:word", "vo|b:first second"
    cdef int32_t* unigram_op
    cdef int32_t* unigram_vo
    cdef PairTable bigrams_op
    cdef PairTable bigrams_vo
    cdef PairTable alias_groups  # (first word, second word or -1) -> index in alias_lists
    cdef list alias_lists  # tuples of folded aliases, longest first
    cdef object gazetteer
    cdef list actors
    cdef dict exact
    cdef dict folded
    cdef int32_t* actor_kind
    cdef bint* actor_ambiguous
    cdef int* actor_group
    cdef uint32_t* actor_groups  # bit g: the actor can speak for group g
    cdef dict outlet_groups
    cdef int32_t n_features
    cdef bint g_ngrams, g_attribution, g_voice, g_context, g_document
    # feature rows by code (-1: not a feature of the model)
    cdef int32_t f_bias
    cdef int32_t f_spk[9]
    cdef int32_t f_spk_how[9][6]
    cdef int32_t f_voice[9]
    cdef int32_t f_prev[9]
    cdef int32_t f_last[9][2]
    cdef int32_t f_qcont[9]
    cdef int32_t f_cont[9][2]
    cdef int32_t f_cont_voice[9][2]
    cdef int32_t f_cont_person[9]
    cdef int32_t f_qnext[9]
    cdef int32_t f_major[9]
    cdef int32_t f_full[9]
    cdef int32_t f_quote_open
    cdef int32_t f_prev_voice
    cdef int32_t f_dk[7][4]  # voiced state: furniture, free:voice, free:plain, attributed
    cdef int32_t f_dv[9][3]
    cdef int32_t f_dve[N_EVIDENCE][9][3]
    cdef int32_t f_dvk[7][9][3]
    cdef int32_t f_dv_voice[9]
    cdef int32_t f_turn[9][4]  # furniture, free, attributed, tag
    cdef int32_t f_ln_furniture
    cdef int32_t f_ln_dateline
    # work buffers
    cdef Buffer tokens
    cdef Buffer mentions
    cdef Buffer regions
    cdef Buffer sents
    cdef Buffer cues
    cdef int32_t* stamp  # per feature row: the last sentence that had it
    cdef Py_ssize_t width  # labels: the columns of the weights
    cdef int32_t stamp_now
    cdef public object names
    # an article's attribution state (Attributor): the last speaker, the last person speaking
    cdef int last_group  # -1: none yet
    cdef int32_t last_actor
    cdef int lastp_group
    cdef int32_t lastp_actor
    cdef int prior
    cdef dict surnames

    def __cinit__(self):
        self.flags = NULL
        self.unigram = NULL
        self.unigram_op = NULL
        self.unigram_vo = NULL
        self.actor_kind = NULL
        self.actor_ambiguous = NULL
        self.actor_group = NULL
        self.actor_groups = NULL
        self.stamp = NULL

    def __dealloc__(self):
        free(self.flags)
        free(self.unigram)
        free(self.unigram_op)
        free(self.unigram_vo)
        free(self.actor_kind)
        free(self.actor_ambiguous)
        free(self.actor_group)
        free(self.actor_groups)
        free(self.stamp)

    def __init__(self, names, groups, gazetteer=None):
        """``names``: the model's feature names, row by row; ``groups``: its feature groups."""
        cdef Py_ssize_t i, n
        unknown = set(groups) - SUPPORTED_GROUPS
        if unknown:
            raise ValueError(f"the compiled core does not compute feature groups {unknown}")
        self.g_ngrams = "ngrams" in groups
        self.g_attribution = "attribution" in groups
        self.g_voice = "voice" in groups
        self.g_context = "context" in groups
        self.g_document = "document" in groups
        self.gazetteer = gazetteer if gazetteer is not None else _actors_py.load_gazetteer()
        names = list(names)
        self.names = names
        self.n_features = len(names)
        self.tokens = Buffer(sizeof(Token), 256)
        self.mentions = Buffer(sizeof(CMention), 64)
        self.regions = Buffer(sizeof(Region), 64)
        self.sents = Buffer(sizeof(Sent), 64)
        self.cues = Buffer(sizeof(Cue), 16)
        self.stamp = <int32_t*>malloc((self.n_features + 1) * sizeof(int32_t))
        for i in range(self.n_features + 1):
            self.stamp[i] = -1
        self.stamp_now = 0
        self.outlet_groups = {}
        fixed = self._build_words(names)
        self._build_gazetteer()
        self._build_features(fixed)

    cdef dict _build_words(self, list names):
        """The word tables of the n-gram features; the rows of the other features by name
        (a few hundred: hashing every name would cost a tenth of a cold start)."""
        cdef Py_ssize_t i
        cdef int32_t wid, a, b
        cdef str name, word
        lists = {
            F_VERB: lexicon("reporting_verbs"),
            F_NOUNISH: lexicon("nounish_verbs"),
            F_DET: lexicon("determiners"),
            F_SUBJ: lexicon("subject_pronouns"),
            F_PART: frozenset(w for w in lexicon("reporting_verbs") if w.endswith("ing")),
            F_INVERT: lexicon("invertible_verbs"),
            F_NEG: lexicon("negations"),
            F_AUX: lexicon("auxiliaries"),
            F_POSS: lexicon("possessives"),
            F_DOCNOUN: lexicon("document_nouns"),
            F_STOP: lexicon("stopwords"),
            F_V_FIRST: lexicon("voice_first_person"),
            F_V_WE: lexicon("voice_we"),
            F_V_YOU: lexicon("voice_you"),
            F_V_HEDGE: lexicon("voice_hedge"),
            F_V_EVAL: lexicon("voice_evaluative"),
            F_WHEN: lexicon("time_words"),
            F_ASSESSMENT: lexicon("assessment_words"),
            F_FURNITURE: lexicon("comment_furniture"),
            F_EDITORIAL: lexicon("editorial_markers"),
            F_ASSESSING: _doc_py._ASSESSING_VERBS,
            F_BIO_IS: frozenset(["is", "was", "are"]),
            F_BIO_A: frozenset(["a", "an", "the"]),
            F_BIO_AT: frozenset(["at", "of", "with", "for"]),
            F_ACCORDING: frozenset(["according"]),
            F_IN: frozenset(["in"]),
            F_TO: frozenset(["to"]),
            F_NEED: frozenset(["need"]),
            F_TOLD: frozenset(["told"]),
            F_DECLINE: frozenset(["declined", "refused", "declining", "refusing"]),
            F_WHAT: frozenset(["what"]),
        }
        aliases = [fold(alias) for actor in self.gazetteer.actors for alias in actor.aliases]
        expected = (2 * len(names) + 4 * len(aliases) + sum(len(v) for v in lists.values())
                    + 64)
        self.words = WordTable(expected)
        self.unigram = <int32_t*>malloc(expected * sizeof(int32_t))
        self.unigram_op = <int32_t*>malloc(expected * sizeof(int32_t))
        self.unigram_vo = <int32_t*>malloc(expected * sizeof(int32_t))
        self.flags = <uint64_t*>calloc(expected, sizeof(uint64_t))
        if not (self.unigram and self.unigram_op and self.unigram_vo and self.flags):
            raise MemoryError()
        for i in range(expected):
            self.unigram[i] = -1
            self.unigram_op[i] = -1
            self.unigram_vo[i] = -1
        for bit, found in lists.items():
            for word in found:
                wid = self.words.add(word)
                self.flags[wid] |= <uint64_t>bit
        cdef Text t
        cdef Py_ssize_t k, start, space, n_bigrams = 0
        cdef Py_UCS4 c
        for word in aliases:  # their words, as _tokens.words cuts them
            text_of(&t, word)
            k = 0
            while k < t.n:
                if not is_word(at(&t, k)):
                    k += 1
                    continue
                start = k
                while k < t.n and is_word(at(&t, k)):
                    k += 1
                self.words.add_range(&t, start, k)
        cdef Py_ssize_t n_domain = 0, skip
        cdef int domain
        cdef int32_t* unigram
        cdef PairTable bigrams
        for name in names:
            text_of(&t, name)
            if t.n >= 2 and at(&t, 0) == 98 and at(&t, 1) == 58:  # "b:"
                n_bigrams += 1
            elif t.n >= 5 and at(&t, 2) == 124 and at(&t, 3) == 98:  # "op|b:", "vo|b:"
                n_domain += 1
        self.bigrams = PairTable(n_bigrams + 16)
        self.bigrams_op = PairTable(n_domain + 16)
        self.bigrams_vo = PairTable(n_domain + 16)
        cdef dict fixed = {}
        for i in range(len(names)):
            name = names[i]
            text_of(&t, name)
            # a word's copy in a kind of document: "op|w:word", "vo|b:first second"
            domain = D_NONE
            if t.n >= 5 and at(&t, 2) == 124:
                if at(&t, 0) == 111 and at(&t, 1) == 112:  # "op|"
                    domain = D_OPINION
                elif at(&t, 0) == 118 and at(&t, 1) == 111:  # "vo|"
                    domain = D_VOICE
            skip = 3 if domain != D_NONE else 0
            if t.n < skip + 2 or at(&t, skip + 1) != 58 or at(&t, skip) not in (119, 98):
                fixed[name] = <int32_t>i
                continue
            if domain == D_NONE:
                unigram, bigrams = self.unigram, self.bigrams
            elif domain == D_OPINION:
                unigram, bigrams = self.unigram_op, self.bigrams_op
            else:
                unigram, bigrams = self.unigram_vo, self.bigrams_vo
            c = at(&t, skip)
            if c == 119:  # "w:word"
                wid = self.words.add_range(&t, skip + 2, t.n)
                unigram[wid] = <int32_t>i
            elif c == 98:  # "b:first second" (words hold no space)
                space = -1
                for k in range(skip + 2, t.n):
                    if at(&t, k) == 32:
                        space = k
                        break
                if space < 0:
                    continue
                a = self.words.add_range(&t, skip + 2, space)
                b = self.words.add_range(&t, space + 1, t.n)
                bigrams.put(a, b, <int32_t>i)
        return fixed

    cdef int _build_gazetteer(self) except -1:
        cdef Py_ssize_t i, n
        cdef int32_t first, second
        gazetteer = self.gazetteer
        self.actors = list(gazetteer.actors)
        n = len(self.actors)
        position = {id(actor): i for i, actor in enumerate(self.actors)}
        self.exact = {key: position[id(actor)] for key, actor in gazetteer._exact.items()}
        self.folded = {key: position[id(actor)] for key, actor in gazetteer._folded.items()}
        self.actor_kind = <int32_t*>malloc((n + 1) * sizeof(int32_t))
        self.actor_ambiguous = <bint*>malloc((n + 1) * sizeof(bint))
        self.actor_group = <int*>malloc((n + 1) * sizeof(int))
        self.actor_groups = <uint32_t*>calloc(n + 1, sizeof(uint32_t))
        if not (self.actor_kind and self.actor_ambiguous and self.actor_group and self.actor_groups):
            raise MemoryError()
        for i in range(n):
            actor = self.actors[i]
            self.actor_kind[i] = ACTOR_KINDS.index(actor.kind)
            self.actor_ambiguous[i] = actor.ambiguous
            self.actor_group[i] = GROUP_NAMES.index(actor.group)
            for g in actor.groups:
                self.actor_groups[i] |= 1u << GROUP_NAMES.index(g)
        self.alias_lists = []
        groups = 0
        by_first = gazetteer._by_first
        for by_second in by_first.values():
            groups += len(by_second)
        self.alias_groups = PairTable(groups + 16)
        for first_word, by_second in by_first.items():
            first = self.words.add(first_word)
            self.flags[first] |= F_ALIAS_FIRST
            for second_word, aliases in by_second.items():
                if second_word == "":
                    self.flags[first] |= F_ALIAS_ONE
                    continue
                second = self.words.add(second_word)
                self.alias_groups.put(first, second, <int32_t>len(self.alias_lists))
                self.alias_lists.append(tuple(aliases))
        return 0

    cdef int _build_features(self, dict index) except -1:
        cdef int g, h, s, k, e

        def row(name):
            return index.get(name, -1)

        self.f_bias = row("bias")
        for g in range(9):
            gn = GROUP_NAMES[g]
            self.f_spk[g] = row(f"spk:{gn}")
            for h in range(6):
                self.f_spk_how[g][h] = row(f"spk:{gn}:{HOW_NAMES[h]}")
            self.f_prev[g] = row(f"prev_spk:{gn}")
            self.f_qcont[g] = row(f"qcont:{gn}")
            self.f_cont_person[g] = row(f"cont_person:{gn}")
            self.f_qnext[g] = row(f"qnext:{gn}")
            self.f_major[g] = row(f"doc_major:{gn}")
            self.f_full[g] = row(f"full_text:{gn}")
            self.f_dv_voice[g] = row(f"dv_voice:{gn}")
            for s, distance in enumerate(("near", "far")):
                self.f_last[g][s] = row(f"last_spk:{gn}:{distance}")
                self.f_cont[g][s] = row(f"cont:{gn}:{distance}")
                self.f_cont_voice[g][s] = row(f"cont_voice:{gn}:{distance}")
            for s in range(3):
                self.f_dv[g][s] = row(f"dv:{gn}:{STATE_NAMES[s]}")
                for e in range(N_EVIDENCE):
                    self.f_dve[e][g][s] = row(f"dve:{EVIDENCE_NAMES[e]}:{gn}:{STATE_NAMES[s]}")
                for k in range(N_KINDS):
                    self.f_dvk[k][g][s] = row(f"dvk:{KIND_NAMES[k]}:{gn}:{STATE_NAMES[s]}")
            for s, state in enumerate(("furniture", "free", "attributed", "tag")):
                self.f_turn[g][s] = row(f"turn:{gn}:{state}")
        for k in range(9):
            self.f_voice[k] = row(f"v:{VOICE_NAMES[k]}")
        self.f_quote_open = row("ctx:quote_open")
        self.f_prev_voice = row("ctx:prev_voice")
        for k in range(N_KINDS):
            for s, state in enumerate(("furniture", "free:voice", "free:plain", "attributed")):
                self.f_dk[k][s] = row(f"dk:{KIND_NAMES[k]}:{state}")
        self.f_ln_furniture = row("ln:furniture")
        self.f_ln_dateline = row("ln:dateline")
        return 0

    # -- one sentence: words, regions, mentions ----------------------------------------------

    cdef Py_ssize_t tokenize(self, Text* t, Text* f, uint32_t* chars) except -1:
        """Append the words of the folded text ``f`` to the token buffer; their number. Sets
        ``chars``: the marks the sentence holds (C_COLON...)."""
        cdef Py_ssize_t i = 0, start, n = 0, k
        cdef Token* tok
        cdef Py_UCS4 c
        cdef uint64_t extra
        cdef int32_t wid
        chars[0] = 0
        while i < f.n:
            c = at(f, i)
            if not is_word(c):
                if c == 58:
                    chars[0] |= C_COLON
                elif c == 45:
                    chars[0] |= C_HYPHEN
                elif c == 0x2013 or c == 0x2014:
                    chars[0] |= C_DASH
                i += 1
                continue
            start = i
            while i < f.n and is_word(at(f, i)):
                i += 1
            self.tokens.reserve(1)
            tok = <Token*>self.tokens.data + self.tokens.used
            self.tokens.used += 1
            n += 1
            wid = self.words.find(f, start, i)
            tok.start = start
            tok.end = i
            tok.wid = wid
            tok.outside = True
            extra = 0
            if u_digit(at(f, start)):
                extra |= T_DIGIT
            if i - start >= 8 and has_text(f, start, b"disgrace"):
                extra |= T_DISGRACE
            for k in range(start, i):
                if at(t, k) >= 128:
                    break
            else:
                extra |= T_ASCII
            tok.flags = (self.flags[wid] if wid >= 0 else 0) | extra
        return n

    cdef int find_mentions(self, str text, Text* t, Text* f, Token* toks, Py_ssize_t ntok) except -1:
        """``Gazetteer.find``: append the sentence's mentions to the mention buffer."""
        cdef Py_ssize_t k, start, end, resume = 0, alias_end, m, q
        cdef int32_t group_index, actor
        cdef bint matched
        cdef CMention* cm
        cdef str alias
        cdef Text a
        cdef int side
        for k in range(ntok):
            if not (toks[k].flags & F_ALIAS_FIRST):
                continue
            start = toks[k].start
            if start < resume or (start > 0 and at(t, start - 1) == 45):
                continue
            group_index = -1
            if k + 1 < ntok and toks[k + 1].wid >= 0:
                group_index = self.alias_groups.get(toks[k].wid, toks[k + 1].wid)
            if group_index < 0 and not (toks[k].flags & F_ALIAS_ONE):
                continue
            end = -1
            if group_index >= 0:
                for alias in self.alias_lists[group_index]:
                    text_of(&a, alias)
                    alias_end = start + a.n
                    if alias_end > f.n:
                        continue
                    matched = True
                    for q in range(a.n):
                        if at(f, start + q) != at(&a, q):
                            matched = False
                            break
                    if matched and (alias_end == t.n or not u_alnum(at(t, alias_end))):
                        end = alias_end
                        break
            if end < 0:
                if toks[k].flags & F_ALIAS_ONE:
                    end = toks[k].end
                else:
                    continue
            resume = end
            surface = text[start:end]
            found = self.exact.get(surface)
            if found is None:
                found = self.folded.get(surface.casefold())
                if found is None:
                    continue
            actor = found
            self.mentions.reserve(1)
            cm = <CMention*>self.mentions.data + self.mentions.used
            self.mentions.used += 1
            cm.start = start
            cm.end = end
            cm.actor = actor
            if self.actor_ambiguous[actor]:  # _actors._resolve
                side = side_group(t, f, start - 40 if start > 40 else 0, start)
                if side >= 0 and (self.actor_groups[actor] >> side) & 1:
                    cm.certain = True
                    cm.group = side
                else:
                    cm.certain = False
                    cm.group = self.actor_group[actor]
            else:
                cm.certain = True
                cm.group = self.actor_group[actor]
        return 0

    cdef object mention_object(self, str text, CMention* m):
        return Mention(m.start, m.end, text[m.start:m.end], self.actors[m.actor],
                       GROUP_NAMES[m.group], m.certain)

    # -- attribution -------------------------------------------------------------------------

    cdef list cue_list(self, str text, Text* t, Token* toks, Py_ssize_t ntok, Region* regs,
                       Py_ssize_t nreg):
        """``_attribution._cues``, less those inside quotations: (start, end, token, flags)."""
        cdef Py_ssize_t i, j, first, upper
        cdef uint64_t fl
        cdef int capital = -1
        cdef list cues = []
        cdef bint any_cue = False
        for i in range(ntok):
            if toks[i].flags & F_CUE_WORD:
                any_cue = True
                break
        if not any_cue:
            return cues
        for i in range(ntok):
            fl = toks[i].flags
            if not (fl & F_CUE_TRIGGER):
                continue
            if fl & F_VERB:
                if i > 0 and (toks[i - 1].flags & F_DET):
                    continue
                if i > 0 and u_upper(at(t, toks[i].start)):
                    if capital < 0:
                        upper = 0
                        for j in range(ntok):
                            if u_upper(at(t, toks[j].start)):
                                upper += 1
                        capital = ntok >= 4 and (<double>upper) / (<double>ntok) > 0.6
                    if not capital:
                        continue
                if fl & F_NOUNISH:
                    if i == 0 or not self.subject_before(text, t, &toks[i - 1]):
                        continue
                first = i
                while first > 0 and (toks[first - 1].flags & F_AUX):
                    first -= 1
                if first > 0 and (toks[first - 1].flags & F_NEG):
                    continue
                if not inside(regs, nreg, toks[first].start):
                    cues.append((toks[first].start, toks[i].end, i, fl))
            elif fl & F_ACCORDING:
                if i + 1 < ntok and (toks[i + 1].flags & F_TO):
                    if not inside(regs, nreg, toks[i].start):
                        cues.append((toks[i].start, toks[i + 1].end, i, fl))
            elif i + 1 < ntok and (toks[i + 1].flags & F_POSS):  # "in"
                j = i + 2
                while j < ntok and j < i + 6:
                    if toks[j].flags & F_DOCNOUN:
                        if not inside(regs, nreg, toks[i].start):
                            cues.append((toks[i].start, toks[j].end, i, fl))
                        break
                    j += 1
        return cues

    cdef bint subject_before(self, str text, Text* t, Token* tok):
        """``_attribution._subject_before`` of the word ``tok``."""
        if tok.flags & T_ASCII:
            return (u_upper(at(t, tok.start)) and not (tok.flags & F_DET)) or bool(
                tok.flags & F_SUBJ)
        return _attr_py._subject_before(text[tok.start:tok.end])


    cdef int from_context(self, CMention* m):
        """``Attributor._from_context``."""
        cdef uint32_t can = self.actor_groups[m.actor]
        if self.last_group >= 0 and (can >> self.last_group) & 1:
            return self.last_group
        if self.prior >= 0 and (can >> self.prior) & 1:
            return self.prior
        return m.group

    cdef bint speaker(self, Found* out, str text, Text* t, Text* f, Py_ssize_t start,
                      Py_ssize_t end, CMention* men, Py_ssize_t nmen, Py_ssize_t cue0,
                      Py_ssize_t cue1, bint pronoun, bint head_first) except -1:
        """``Attributor._speaker``: fills ``out``, or returns False where it finds None."""
        cdef Py_ssize_t k, chosen, first_in = -1, last_in = -1, first_clear = -1
        cdef Py_ssize_t last_clear = -1
        cdef CMention* m
        trim(t, &start, &end)
        if start >= end:
            return False
        out.found = True
        out.sp_start = start
        out.sp_end = end
        out.cue_start = cue0
        out.cue_end = cue1
        if pronoun:
            if self.last_group >= 0:
                out.actor, out.group, out.how = self.last_actor, self.last_group, H_PRONOUN
            else:
                out.actor, out.group, out.how = -1, -1, H_UNRES
            return True
        for k in range(nmen):
            if start <= men[k].start and men[k].end <= end:
                if first_in < 0:
                    first_in = k
                last_in = k
                if not self.actor_ambiguous[men[k].actor]:
                    if first_clear < 0:
                        first_clear = k
                    last_clear = k
        if first_in >= 0:
            if first_clear >= 0:
                chosen = first_clear if head_first else last_clear
            else:
                chosen = first_in if head_first else last_in
            m = &men[chosen]
            out.actor = m.actor
            out.group = m.group if m.certain else self.from_context(m)
            out.how = H_NAMED
            return True
        if self.surnames:
            known = None
            for word in text[start:end].split():
                if word in self.surnames:
                    known = self.surnames[word]
            if known is not None:
                out.actor, out.group = known
                out.how = H_NAMED
                return True
        if pronoun_like(f, start, end):
            if _is_personal_text(f, start, end) and self.lastp_group >= 0:
                out.actor, out.group, out.how = self.lastp_actor, self.lastp_group, H_PRONOUN
            elif self.last_group >= 0:
                out.actor, out.group, out.how = self.last_actor, self.last_group, H_PRONOUN
            else:
                out.actor, out.group, out.how = -1, -1, H_UNRES
            return True
        if has_name(t, start, end) or count_words(t, start, end) <= 6:
            out.actor, out.group, out.how = -1, -1, H_UNRES
            return True
        out.found = False
        return False

    cdef bint speaker_for_cue(self, Found* out, str text, Text* t, Text* f, tuple cue,
                              CMention* men, Py_ssize_t nmen) except -1:
        """``Attributor._speaker_for_cue``."""
        cdef Py_ssize_t cue0 = cue[0], cue1 = cue[1], b, k, start, end, wider
        cdef uint64_t fl = cue[3]
        cdef bint found
        cdef Py_UCS4 c = 0
        cdef Found farther
        if not (fl & (F_VERB | F_ACCORDING)):  # "in its daily update": the last speaker
            return self.speaker(out, text, t, f, cue0, cue0 + 2, men, nmen, cue0, cue1, True,
                                False)
        b = cue0  # len(text[:cue0].rstrip())
        while b > 0 and u_space(at(t, b - 1)):
            b -= 1
        if b > 0:
            c = at(t, b - 1)
        if (fl & F_ACCORDING) or ((fl & F_INVERT) and (
                b == 0 or c == 44 or c == 0x201D or c == 34 or c == 0x2019 or c == 39)):
            found = self.speaker(out, text, t, f, cue1, clause_after(t, f, cue1), men, nmen,
                                 cue0, cue1, False, False)
            if found or (fl & F_ACCORDING):
                return found
        if fl & F_PART:
            end = b
            for k in range(b):
                if at(t, k) == 44:
                    if k > 0:
                        end = k
                    break
            return self.speaker(out, text, t, f, 0, end, men, nmen, cue0, cue1, False, True)
        start = clause_before(t, f, cue0)
        if subordinate_at(t, f, start):
            return False
        found = self.speaker(out, text, t, f, start, cue0, men, nmen, cue0, cue1, False, False)
        if (not found or out.group < 0) and start > 0:
            wider = clause_before(t, f, start - 1)
            if self.speaker(&farther, text, t, f, wider, cue0, men, nmen, cue0, cue1, False,
                            False) and (not found or farther.group >= 0):
                out[0] = farther
                found = True
        return found

    cdef bint final_clause(self, Found* out, str text, Text* t, Text* f, list cues,
                           Token* toks, Py_ssize_t ntok, CMention* men, Py_ssize_t nmen) except -1:
        """``Attributor._final_reporting_clause``."""
        cdef Py_ssize_t k, count, comma = -1, last0, last1
        cdef Py_UCS4 c
        if len(cues) < 2:
            return False
        last = cues[len(cues) - 1]
        last0 = last[0]
        last1 = last[1]
        count = 0
        for k in range(ntok):
            if toks[k].start >= last1:
                count += 1
        if count > 5:
            return False
        for k in range(last0 - 1, -1, -1):
            c = at(t, k)
            if c == 44 or c == 0x201D or c == 34:
                comma = k
                break
        if comma < 0:
            return False
        count = 0
        for k in range(ntok):
            if toks[k].start >= comma and toks[k].end <= last0:
                count += 1
        if count > 12:
            return False
        return self.speaker_for_cue(out, text, t, f, last, men, nmen) and out.group >= 0

    cdef bint framing(self, Found* out, str text, Text* t, Text* f, object match,
                      CMention* men, Py_ssize_t nmen) except -1:
        """``Attributor._framing``."""
        cdef Py_ssize_t start, end, fs, fe, k, head = -1
        start, end = match.span("who")
        fs, fe = match.span()
        if match.group("who").lower() not in ("it", "he", "she", "they"):
            if self.speaker(out, text, t, f, start, end, men, nmen, fs, fe, False, False) and (
                    out.group >= 0):
                out.how = H_FRAMING
                return True
        for k in range(nmen):
            if men[k].end <= fs and men[k].group != G_NEUTRAL:
                head = k
        if head < 0:
            return False
        out.found = True
        out.sp_start, out.sp_end, out.cue_start, out.cue_end = start, end, fs, fe
        out.actor, out.group, out.how = men[head].actor, men[head].group, H_FRAMING
        return True

    cdef bint attribute(self, Found* out, str text, Text* t, Text* f, Token* toks,
                        Py_ssize_t ntok, CMention* men, Py_ssize_t nmen, Region* regs,
                        Py_ssize_t nreg, uint32_t chars) except -1:
        """``Attributor._attribute``: the regular expressions of the reference, where an exact
        test of the text says they can match."""
        cdef Py_ssize_t k, start, end, ws, we
        cdef bint colon = chars & C_COLON
        if colon and _may_be_headline(t):
            headline = _attr_py._HEADLINE_COLON.match(text)
            if headline is not None and not _attr_py._NOT_A_SPEAKER.search(headline.group("who")):
                ws, we = headline.span("who")
                if self.speaker(out, text, t, f, ws, we, men, nmen, ws, we, False, False) and (
                        out.actor >= 0 and out.sp_end - out.sp_start <= 40):
                    out.how = H_HEADLINE
                    return True
        if (chars & (C_COLON | C_HYPHEN | C_DASH)) and not ends_with_stop(t):
            tail = _attr_py._HEADLINE_TAIL.search(text, _tail_start(t))
            if tail is not None:
                ws, we = tail.span("who")
                for k in range(nmen):
                    if men[k].end == we and men[k].start >= ws:
                        if self.speaker(out, text, t, f, ws, we, men, nmen, ws, we, False,
                                        False) and out.actor >= 0:
                            out.how = H_HEADLINE
                            return True
                        break
        start = _may_decline(f, toks, ntok)
        if start >= 0:
            declined = _attr_py._DECLINED.search(text, start)
            if declined is not None and not inside(regs, nreg, declined.start()):
                end = declined.start()
                start = clause_before(t, f, end)
                trim(t, &start, &end)
                out.found = True
                out.sp_start, out.sp_end = start, end
                out.cue_start, out.cue_end = declined.span()
                out.actor, out.group, out.how = -1, -1, H_DECLINED
                return True
        cues = self.cue_list(text, t, toks, ntok, regs, nreg)
        if self.final_clause(out, text, t, f, cues, toks, ntok, men, nmen):
            return True
        for cue in cues:
            if self.speaker_for_cue(out, text, t, f, cue, men, nmen):
                return True
        start = _first_flag(toks, ntok, F_WHAT)
        if start >= 0:
            match = _attr_py._FRAMING.search(text, start)
            if match is not None and not inside(regs, nreg, match.start()):
                return self.framing(out, text, t, f, match, men, nmen)
        out.found = False
        return False

    cdef int step(self, Found* out, str text, Text* t, Text* f, Token* toks, Py_ssize_t ntok,
                  CMention* men, Py_ssize_t nmen, Region* regs, Py_ssize_t nreg,
                  uint32_t chars) except -1:
        """``Attributor.step``: attribute, then remember surnames and the speaker."""
        cdef Py_ssize_t k
        cdef bint personal
        if not self.attribute(out, text, t, f, toks, ntok, men, nmen, regs, nreg, chars):
            out.found = False
        for k in range(nmen):
            if self.actor_kind[men[k].actor] == K_PERSON and contains_char(
                    t, 32, men[k].start, men[k].end):
                parts = text[men[k].start:men[k].end].split()
                self.surnames[parts[len(parts) - 1]] = (men[k].actor, men[k].group)
        if out.found and out.group >= 0:
            if out.actor >= 0:
                personal = self.actor_kind[out.actor] == K_PERSON
            else:
                personal = _is_personal_text(f, out.sp_start, out.sp_end)
            self.last_group, self.last_actor = out.group, out.actor
            if personal:
                self.lastp_group, self.lastp_actor = out.group, out.actor
        return 0

    # -- an article ----------------------------------------------------------------------------

    cdef object outlet_group(self, object outlet):
        """``_document._outlet_group``, remembered per outlet."""
        if not outlet:
            return None
        found = self.outlet_groups.get(outlet, _OUTLET_MISSING)
        if found is _OUTLET_MISSING:
            found = _doc_py._outlet_group(outlet, self.gazetteer)
            if len(self.outlet_groups) >= 4096:
                self.outlet_groups.clear()
            self.outlet_groups[outlet] = found
        return found

    cdef int prepare(self, list texts, list folds, Py_ssize_t lo, Py_ssize_t hi) except -1:
        """Each sentence's words, quotations and mentions, and datelines (first pass)."""
        cdef Py_ssize_t i, k, n = hi - lo
        cdef Text t, f
        cdef Sent* s
        cdef Token* toks
        cdef Region* regs
        cdef str text, folded
        self.tokens.used = 0
        self.mentions.used = 0
        self.regions.used = 0
        self.sents.used = 0
        self.sents.reserve(n)
        for i in range(n):
            text = texts[lo + i]
            folded = fold_fast(text)
            folds.append(folded)
            text_of(&t, text)
            text_of(&f, folded)
            s = <Sent*>self.sents.data + i
            memset(s, 0, sizeof(Sent))
            s.tok0 = self.tokens.used
            s.ntok = self.tokenize(&t, &f, &s.chars)
            s.reg0 = self.regions.used
            quoted_regions(&t, self.regions)
            s.nreg = self.regions.used - s.reg0
            toks = <Token*>self.tokens.data + s.tok0
            regs = <Region*>self.regions.data + s.reg0
            s.out_flags = 0
            s.nout = 0
            for k in range(s.ntok):
                if s.nreg and inside(regs, s.nreg, toks[k].start):
                    toks[k].outside = False
                else:
                    s.out_flags |= toks[k].flags
                    s.nout += 1
            s.men0 = self.mentions.used
            self.find_mentions(text, &t, &f, toks, s.ntok)
            s.nmen = self.mentions.used - s.men0
            s.dateline = i < 3 and _may_be_dateline(&t) and bool(_doc_py._is_dateline(text))
        self.sents.used = n
        return 0

    cdef int dateline_group(self, Py_ssize_t n):
        """``_document._dateline_group``: the group of the agency (or outlet) a dateline names,
        in its sentence or the next."""
        cdef Py_ssize_t i, k, j
        cdef Sent* sents = <Sent*>self.sents.data
        cdef CMention* men = <CMention*>self.mentions.data
        for i in range(n):
            if not sents[i].dateline:
                continue
            for j in range(i, min(i + 2, n)):
                for k in range(sents[j].men0, sents[j].men0 + sents[j].nmen):
                    if (men[k].group < N_SOURCE and men[k].certain
                            and (self.actor_kind[men[k].actor] == K_MEDIA
                                 or self.actor_kind[men[k].actor] == K_AGENCY)):
                        return men[k].group
        return -1

    cdef int attribute_all(self, list texts, list folds, Py_ssize_t lo, Py_ssize_t n,
                           object outlet) except -1:
        """``_features._read_article``: each sentence's speaker and the article's state."""
        cdef Py_ssize_t i
        cdef Text t, f
        cdef Sent* s
        cdef bint quote_open = False, found
        cdef int since = 99, full_text = -1, last
        cdef str text
        prior = self.outlet_group(outlet)
        self.prior = GROUP_NAMES.index(prior) if prior is not None else self.dateline_group(n)
        self.last_group = -1
        self.last_actor = -1
        self.lastp_group = -1
        self.lastp_actor = -1
        self.surnames = {}
        for i in range(n):
            text = texts[lo + i]
            text_of(&t, text)
            text_of(&f, <str>folds[i])
            s = <Sent*>self.sents.data + i
            last = self.last_group if self.last_group >= 0 else G_NONE
            self.step(&s.attr, text, &t, &f, <Token*>self.tokens.data + s.tok0, s.ntok,
                      <CMention*>self.mentions.data + s.men0, s.nmen,
                      <Region*>self.regions.data + s.reg0, s.nreg, s.chars)
            found = s.attr.found
            if found and s.attr.group >= 0:
                s.group = s.attr.group
            else:
                s.group = G_UNRES if found else G_NONE
            s.assesses = found and _cue_assesses(<Token*>self.tokens.data + s.tok0, s.ntok,
                                                 s.attr.cue_start, s.attr.cue_end)
            if found and s.attr.group >= 0 and full_text >= 0 and full_text != s.attr.group:
                full_text = -1
            s.last = last
            s.since = since
            s.quote_open = quote_open
            s.full_text = full_text
            if self.lead_in(text, &t, <Token*>self.tokens.data + s.tok0, s.ntok):
                if found and s.attr.group >= 0:
                    full_text = s.attr.group
                else:
                    full_text = self.last_group  # -1: None
            quote_open = quote_open_after(&t, quote_open)
            since = 0 if found and s.attr.group >= 0 else since + 1
        return 0

    cdef bint lead_in(self, str text, Text* t, Token* toks, Py_ssize_t ntok) except -1:
        """``_features._is_lead_in``."""
        cdef Py_ssize_t i = t.n - 1
        while i >= 0 and u_space(at(t, i)):
            i -= 1
        if i < 0 or at(t, i) != 58:
            return False
        if _feat_py._LEAD_IN.search(text):
            return True
        if ntok > 0 and (toks[ntok - 1].flags & F_VERB):
            return True
        return ntok > 1 and bool(toks[ntok - 2].flags & F_TOLD)

    cdef int voice(self, Text* t, Text* f, Sent* s) except -1:
        """``_features._voice``: the voice cues and whether the writer's own voice fired."""
        cdef Token* toks = <Token*>self.tokens.data + s.tok0
        cdef Region* regs = <Region*>self.regions.data + s.reg0
        cdef uint64_t fl = s.out_flags
        cdef int bits = 0
        cdef Py_ssize_t i, k
        cdef Py_UCS4 c
        if fl & F_V_FIRST:
            bits |= V_FIRST
        if fl & F_V_WE:
            bits |= V_WE
        if fl & F_V_YOU:
            bits |= V_YOU
        if fl & F_V_HEDGE:
            bits |= V_HEDGE
        if (fl & F_V_EVAL) or (fl & T_DISGRACE):
            bits |= V_EVAL
        elif fl & F_NEED:
            for k in range(s.ntok - 1):
                if (toks[k].outside and (toks[k].flags & F_NEED) and toks[k + 1].outside
                        and (toks[k + 1].flags & F_TO)
                        and toks[k].end + 1 == toks[k + 1].start and at(f, toks[k].end) == 32
                        and _not_underscore(f, toks[k].start - 1, regs, s.nreg)
                        and _not_underscore(f, toks[k + 1].end, regs, s.nreg)):
                    bits |= V_EVAL
                    break
        if fl & T_DIGIT:
            bits |= V_FIGURE
        if fl & F_WHEN:
            bits |= V_WHEN
        i = t.n - 1
        while i >= 0:
            c = at(t, i)
            if (c == 32 or c == 34 or c == 39 or c == 0x201D or c == 0x2019 or c == 0xBB
                    or c == 41 or (s.nreg and inside(regs, s.nreg, i))):
                i -= 1
            else:
                break
        if i >= 0:
            c = at(t, i)
            if c == 63:
                bits |= V_QUESTION
            elif c == 33:
                bits |= V_EXCLAIM
        s.voice = bits
        s.fired = bool(bits & (V_FIRST | V_HEDGE | V_EVAL | V_QUESTION))
        return 0

    cdef int sentence_document(self, str text, Text* t, Text* f, Py_ssize_t i, Sent* s,
                               list surnames) except -1:
        """A sentence's part of ``_document.read_document``: its speaker tag, whether it is
        a comment thread's furniture."""
        cdef Py_ssize_t k = 0, a, b
        cdef bint space = False
        cdef Py_UCS4 c
        while k < t.n and u_space(at(t, k)):
            k += 1
        s.tag = False
        s.tag_group = -1
        if k < t.n:
            c = at(t, k)
            # _WHITE_HOUSE_Q starts with "Q"; _TAG with [A-Z] and needs a colon.
            if _may_be_tag(t):
                if surnames[0] is None:
                    surnames[0] = self.gazetteer.surnames
                men = <CMention*>self.mentions.data + s.men0
                mentions = [self.mention_object(text, &men[a]) for a in range(s.nmen)]
                tag = _doc_py.speaker_tag(text, mentions, surnames[0])
                if tag is not None:
                    s.tag = True
                    s.tag_reporter = tag.reporter
                    s.tag_group = GROUP_NAMES.index(tag.group) if tag.group is not None else -1
        s.furniture = False
        if 1 <= s.nout <= 6:
            a = 0
            b = t.n
            while a < b and u_space(at(t, a)):
                a += 1
            while b > a and u_space(at(t, b - 1)):
                b -= 1
            space = contains_char(t, 32, a, b)
            if b > a and at(t, b - 1) == 58:  # a lead-in ("More in this report:")
                s.furniture = False
            elif not space and _doc_py._USER.match(text[a:b]):
                s.furniture = True
            else:
                s.furniture = bool(s.out_flags & F_FURNITURE)
        return 0

    cdef int document(self, list texts, list folds, Py_ssize_t lo, Py_ssize_t n, object outlet,
                      int* kinds, int* group, int* evidence, int* turns) except -1:
        """``_document.read_document``: the document's kinds, voice group and turns."""
        cdef Py_ssize_t i, k, a
        cdef Text t, f
        cdef Sent* sents
        cdef Sent* s
        cdef CMention* men
        cdef int tagged = 0, reporters = 0, assessing = 0, thread = 0, we = 0, own = 0
        cdef bint headers = False, editorial = False, voiced, header
        cdef bint unattributed
        cdef int g, current
        cdef str text
        cdef list surnames = [None]
        cdef Py_UCS4 c
        for i in range(n):
            text = texts[lo + i]
            text_of(&t, text)
            text_of(&f, <str>folds[i])
            s = <Sent*>self.sents.data + i
            self.sentence_document(text, &t, &f, i, s, surnames)
            if s.tag:
                tagged += 1
                if s.tag_reporter:
                    reporters += 1
            if s.out_flags & F_ASSESSMENT:
                assessing += 1
            # a thread's furniture: its lines that are not a "Comments" header
            header = _is_comments(&f)
            if header:
                headers = True
            elif s.furniture:
                thread += 1
            if _may_open_comment(&t) and _doc_py._COMMENT_OPENER.match(text):
                thread += 1
            if i < 4 and not editorial:
                if find_ascii(&f, b"view", 4, 0, f.n) >= 0 and _doc_py._OUTLET_VIEW.match(text):
                    editorial = True
                elif (s.out_flags & F_EDITORIAL) and (contains_char(&t, 58, 0, t.n) or s.nout <= 5):
                    editorial = True
            unattributed = s.group == G_NONE or s.group == G_UNRES
            if unattributed:
                if s.out_flags & F_V_WE:
                    we += 1
                if s.out_flags & (F_V_FIRST | F_V_HEDGE | F_V_EVAL):
                    own += 1
                else:
                    k = t.n - 1
                    while k >= 0:
                        c = at(&t, k)
                        if (c == 32 or c == 34 or c == 39 or c == 0x201D or c == 0x2019
                                or c == 0xBB or c == 41):
                            k -= 1
                        else:
                            break
                    if k >= 0 and (at(&t, k) == 63 or at(&t, k) == 33):
                        own += 1
        kinds[0] = tagged >= 2 or reporters > 0
        kinds[1] = assessing >= 2 and <double>assessing >= 0.2 * <double>n
        kinds[2] = self.dateline_group(n) >= 0
        kinds[3] = thread >= 2 and (headers or <double>thread >= 0.1 * <double>n)
        kinds[4] = editorial or _doc_py.in_opinion_section(outlet)
        kinds[5] = we >= 2
        kinds[6] = own >= 2 and <double>own >= 0.3 * <double>n
        voiced = (kinds[0] or kinds[1] or kinds[2] or kinds[5]) and not (kinds[3] or kinds[4])
        self.voice_group(texts, lo, n, outlet, kinds[0], voiced, group, evidence)
        current = -1
        sents = <Sent*>self.sents.data
        for i in range(n):
            if kinds[0] and sents[i].tag:
                if sents[i].tag_reporter:
                    current = G_REPORTER
                elif sents[i].tag_group >= 0:
                    current = sents[i].tag_group
                elif group[0] >= 0:
                    current = group[0]
                else:
                    current = G_UNRES
            turns[i] = current if kinds[0] else -1
        return 0

    cdef int institution_after(self, Sent* s, Py_ssize_t start):
        """``_document._institution_after``: the group of the first institution of a side the
        sentence names at or after ``start``, or -1."""
        cdef CMention* men = <CMention*>self.mentions.data
        cdef Py_ssize_t k
        for k in range(s.men0, s.men0 + s.nmen):
            if (men[k].start >= start and men[k].certain and men[k].group < N_SOURCE
                    and self.actor_kind[men[k].actor] == K_INSTITUTION):
                return men[k].group
        return -1

    cdef int voice_group(self, list texts, Py_ssize_t lo, Py_ssize_t n, object outlet,
                         bint transcript, bint voiced, int* group, int* evidence) except -1:
        """``_document._voice_group``: the group whose document this is, and the evidence."""
        cdef Py_ssize_t i, k, best
        cdef Sent* sents = <Sent*>self.sents.data
        cdef Sent* s
        cdef CMention* men = <CMention*>self.mentions.data
        cdef int counts[3]
        cdef int order[3]
        cdef int seen = 0, g
        cdef Token* toks
        cdef uint64_t fl
        cdef str text
        found = self.outlet_group(outlet)
        if found is not None:
            group[0], evidence[0] = GROUP_NAMES.index(found), E_OUTLET
            return 0
        g = self.dateline_group(n)
        if g >= 0:
            group[0], evidence[0] = g, E_DATELINE
            return 0
        if transcript:
            g = _most_common(sents, n, True, counts, order)
            if g >= 0:
                group[0], evidence[0] = g, E_SPEAKERS
                return 0
        for i in range(n):
            if not (i >= n - 5 or i < 5):
                continue
            s = &sents[i]
            fl = 0
            toks = <Token*>self.tokens.data + s.tok0
            for k in range(s.ntok):
                fl |= toks[k].flags
            if not ((fl & F_BIO_IS) and (fl & F_BIO_A) and (fl & F_BIO_AT)):
                continue
            bio = _doc_py._BIO.match(texts[lo + i])
            g = self.institution_after(s, bio.end()) if bio is not None else -1
            if g >= 0:
                group[0], evidence[0] = g, E_AUTHOR
                return 0
        if not voiced:
            group[0], evidence[0] = -1, E_NONE
            return 0
        for i in range(min(5, n)):  # _document._host_group
            s = &sents[i]
            if not (s.group == G_NONE or s.group == G_UNRES):
                continue
            text = texts[lo + i]
            if not _may_host(text):
                continue
            host = _doc_py._HOST.search(text)
            g = self.institution_after(s, host.end()) if host is not None else -1
            if g >= 0:
                group[0], evidence[0] = g, E_AUTHOR
                return 0
        for i in range(min(3, n)):
            s = &sents[i]
            text = texts[lo + i]
            if not (s.group == G_NONE or s.group == G_UNRES) or not _doc_py._is_title(text):
                continue
            for k in range(s.men0, s.men0 + s.nmen):
                if (men[k].group < N_SOURCE and men[k].certain
                        and self.actor_kind[men[k].actor] in (K_PERSON, K_INSTITUTION, K_OFFICE,
                                                              K_AGENCY, K_MEDIA, K_CHANNEL)
                        and _doc_py._authors(text, self.mention_object(text, &men[k]))):
                    group[0], evidence[0] = men[k].group, E_TITLE
                    return 0
        g = _most_common(sents, n, False, counts, order)
        if g >= 0:
            group[0], evidence[0] = g, E_ASSESSOR
            return 0
        group[0], evidence[0] = -1, E_NONE
        return 0

    # -- features and sums -------------------------------------------------------------------

    cdef inline void add(self, int32_t row, Buffer flat, int64_t* sums,
                         const int64_t* fixed) noexcept:
        cdef Py_ssize_t k, width = self.width
        cdef const int64_t* weights
        if row < 0 or self.stamp[row] == self.stamp_now:
            return
        self.stamp[row] = self.stamp_now
        (<int32_t*>flat.data)[flat.used] = row
        flat.used += 1
        weights = fixed + row * width
        for k in range(width):
            sums[k] += weights[k]

    cdef int sentence_features(self, Py_ssize_t i, Py_ssize_t n, str text, Text* t, Text* f,
                               int* kinds, int group, int evidence, int* turns, int major,
                               bint prev_voice, int domain, Buffer flat, int64_t* sums,
                               const int64_t* fixed) except -1:
        """``_features.featurize_article`` for sentence ``i``: rows into ``flat``, sums."""
        cdef Sent* sents = <Sent*>self.sents.data
        cdef Sent* here = &sents[i]
        cdef Token* toks = <Token*>self.tokens.data + here.tok0
        cdef Py_ssize_t k
        cdef int32_t row
        cdef int dist, state, vstate, turn, prev_group, next_group
        cdef bint unattributed, voice = False
        cdef Py_UCS4 c
        cdef int32_t* unigram
        cdef PairTable bigrams
        self.stamp_now += 1
        if self.stamp_now >= 0x7FFFFFF0:
            for k in range(self.n_features + 1):
                self.stamp[k] = -1
            self.stamp_now = 0
        flat.reserve(3 * here.ntok + 64)
        self.add(self.f_bias, flat, sums, fixed)
        if self.g_ngrams:
            for k in range(here.ntok):
                if toks[k].wid >= 0:
                    if not (toks[k].flags & F_STOP):
                        self.add(self.unigram[toks[k].wid], flat, sums, fixed)
                    if k + 1 < here.ntok and toks[k + 1].wid >= 0:
                        self.add(self.bigrams.get(toks[k].wid, toks[k + 1].wid), flat, sums,
                                 fixed)
            if domain != D_NONE:  # _features._ngrams: the words' own copies in this document
                unigram = self.unigram_op if domain == D_OPINION else self.unigram_vo
                bigrams = self.bigrams_op if domain == D_OPINION else self.bigrams_vo
                for k in range(here.ntok):
                    if toks[k].wid >= 0:
                        if not (toks[k].flags & F_STOP):
                            self.add(unigram[toks[k].wid], flat, sums, fixed)
                        if k + 1 < here.ntok and toks[k + 1].wid >= 0:
                            self.add(bigrams.get(toks[k].wid, toks[k + 1].wid), flat, sums,
                                     fixed)
        if self.g_attribution:
            self.add(self.f_spk[here.group], flat, sums, fixed)
            if here.attr.found:
                self.add(self.f_spk_how[here.group][here.attr.how], flat, sums, fixed)
        if self.g_voice:
            for k in range(9):
                if here.voice & (1 << k):
                    self.add(self.f_voice[k], flat, sums, fixed)
            voice = here.fired
        if self.g_context:
            prev_group = sents[i - 1].group if i > 0 else G_START
            next_group = sents[i + 1].group if i + 1 < n else G_END
            dist = 0 if here.since <= 2 else 1
            self.add(self.f_prev[prev_group], flat, sums, fixed)
            self.add(self.f_last[here.last][dist], flat, sums, fixed)
            unattributed = here.group == G_NONE
            if unattributed:
                # text[:1] in '"“«' (an empty text is "in" any string)
                c = at(t, 0) if t.n else 34
                if here.quote_open or c == 34 or c == 0x201C or c == 0xAB:
                    self.add(self.f_qcont[here.last], flat, sums, fixed)
                self.add(self.f_cont[here.last][dist], flat, sums, fixed)
                if voice:
                    self.add(self.f_cont_voice[here.last][dist], flat, sums, fixed)
                if self.g_voice and (here.voice & (V_FIRST | V_WE)):
                    self.add(self.f_cont_person[here.last], flat, sums, fixed)
                if i + 1 < n and sents[i + 1].quote_open:
                    self.add(self.f_qnext[next_group], flat, sums, fixed)
            if major >= 0:
                self.add(self.f_major[major], flat, sums, fixed)
            if here.full_text >= 0 and unattributed:
                self.add(self.f_full[here.full_text], flat, sums, fixed)
            if here.quote_open:
                self.add(self.f_quote_open, flat, sums, fixed)
            if prev_voice:
                self.add(self.f_prev_voice, flat, sums, fixed)
        if self.g_document:
            unattributed = here.group == G_NONE or here.group == G_UNRES
            if here.furniture or here.dateline:
                state = S_FURNITURE
                vstate = 0
            elif unattributed:
                state = S_FREE
                vstate = 1 if voice else 2
            else:
                state = S_ATTRIBUTED
                vstate = 3
            for k in range(N_KINDS):
                # "we" and a personal voice are no evidence of a side alone (_WHOSE_UNKNOWN)
                if kinds[k] and k != K_INSTITUTIONAL and k != K_PERSONAL:
                    self.add(self.f_dk[k][vstate], flat, sums, fixed)
            if group >= 0:
                self.add(self.f_dv[group][state], flat, sums, fixed)
                self.add(self.f_dve[evidence][group][state], flat, sums, fixed)
                for k in range(N_KINDS):
                    if kinds[k]:
                        self.add(self.f_dvk[k][group][state], flat, sums, fixed)
                if voice and unattributed:
                    self.add(self.f_dv_voice[group], flat, sums, fixed)
            turn = turns[i]
            if turn >= 0:
                self.add(self.f_turn[turn][3 if here.tag else state], flat, sums, fixed)
            if here.furniture:
                self.add(self.f_ln_furniture, flat, sums, fixed)
            if here.dateline:
                self.add(self.f_ln_dateline, flat, sums, fixed)
        return 0

    cdef int read_article(self, list texts, Py_ssize_t lo, Py_ssize_t hi, object outlet,
                          Buffer flat, int64_t[::1] starts, int64_t[:, ::1] sums,
                          unsigned char[:, ::1] states, const int64_t[:, ::1] fixed) except -1:
        """One article: its sentences ``texts[lo:hi]`` read in context, their feature rows
        appended to ``flat``, their first-stage sums and document-stage states written."""
        cdef Py_ssize_t i, n = hi - lo, k
        cdef list folds = []
        cdef Text t, f
        cdef Sent* s
        cdef int kinds[7]
        cdef int group = -1, evidence = E_NONE, major = -1, g
        cdef int counts[4]
        cdef int first_seen[4]
        cdef int seen = 0
        cdef bint prev_voice = False
        cdef int* turns = NULL
        cdef int domain = D_NONE
        cdef str text
        if n <= 0:
            return 0
        self.prepare(texts, folds, lo, hi)
        self.attribute_all(texts, folds, lo, n, outlet)
        for k in range(N_KINDS):
            kinds[k] = 0
        for k in range(4):
            counts[k] = 0
        turns = <int*>malloc(n * sizeof(int))
        if not turns:
            raise MemoryError()
        try:
            for i in range(n):
                turns[i] = -1
            if self.g_document:
                self.document(texts, folds, lo, n, outlet, kinds, &group, &evidence, turns)
                # _features._domain: opinion (comments, editorial, personal), else a voice
                # (a group, or a transcript, an assessment, an agency item), else none
                if kinds[3] or kinds[4] or kinds[6]:
                    domain = D_OPINION
                elif group >= 0 or kinds[0] or kinds[1] or kinds[2]:
                    domain = D_VOICE
            for i in range(n):
                text = texts[lo + i]
                text_of(&t, text)
                text_of(&f, <str>folds[i])
                s = <Sent*>self.sents.data + i
                if self.g_voice:
                    self.voice(&t, &f, s)
                starts[lo + i] = flat.used
                self.sentence_features(i, n, text, &t, &f, kinds, group, evidence, turns, major,
                                       prev_voice, domain, flat, &sums[lo + i, 0], &fixed[0, 0])
                states[lo + i, 0] = self.g_attribution and (s.group == G_NONE or s.group == G_UNRES)
                states[lo + i, 1] = self.g_voice and bool(
                    s.voice & (V_FIRST | V_HEDGE | V_EVAL | V_QUESTION | V_EXCLAIM | V_YOU))
                for k in range(N_STAGE_KINDS):  # the kinds come first in KIND_NAMES
                    states[lo + i, 2 + k] = self.g_document and kinds[k] != 0
                prev_voice = self.g_voice and s.fired
                g = s.group
                if g < 4:  # _features._major: the most frequent speaker's group so far
                    if counts[g] == 0:
                        first_seen[g] = seen
                        seen += 1
                    counts[g] += 1
                    if major < 0 or counts[g] > counts[major]:
                        major = g
                    elif counts[g] == counts[major] and g != major and first_seen[g] < first_seen[major]:
                        major = g
        finally:
            free(turns)
        return 0

    def read(self, list texts, list bounds, list outlets, const int64_t[:, ::1] fixed):
        """Read articles ``texts[lo:hi]`` for each ``(lo, hi)`` of ``bounds`` (``outlets``: one
        per article, a str or None) with weights ``fixed`` (rows x labels, int64).

        Returns ``(sums, flat, starts, states)``: the first stage's fixed-point sums (n x
        labels, int64), the feature rows of every sentence in one array with where each
        sentence's start, and the document stage's states (n x N_STATES bool:
        ``_document_stage.free_sentences``).
        """
        cdef Py_ssize_t n = len(texts), a, lo, hi
        sums = np.zeros((n, fixed.shape[1]), dtype=np.int64)
        starts = np.zeros(n, dtype=np.int64)
        states = np.zeros((n, N_STATES), dtype=np.uint8)
        cdef int64_t[:, ::1] sums_view = sums
        cdef int64_t[::1] starts_view = starts
        cdef unsigned char[:, ::1] states_view = states
        cdef Buffer flat = Buffer(sizeof(int32_t), 64 * n + 64)
        if fixed.shape[0] < self.n_features:
            raise ValueError("the weights have fewer rows than the model has features")
        if len(outlets) != len(bounds):
            raise ValueError(f"{len(outlets)} outlets for {len(bounds)} articles")
        self.width = fixed.shape[1]
        for a in range(len(bounds)):
            lo, hi = bounds[a]
            if not 0 <= lo <= hi <= n:  # the reading indexes texts unchecked
                raise ValueError(f"article bounds ({lo}, {hi}) outside the {n} texts")
            self.read_article(texts, lo, hi, outlets[a], flat, starts_view, sums_view,
                              states_view, fixed)
        rows = np.empty(flat.used, dtype=np.int32)
        cdef int32_t[::1] rows_view = rows
        cdef Py_ssize_t k
        for k in range(flat.used):
            rows_view[k] = (<int32_t*>flat.data)[k]
        return sums, rows, starts, states.view(bool)

    # -- the same reading, as the Python reference's objects (for the equality tests) ----------

    def find(self, str text):
        """``Gazetteer.find(text)``: the mentions, as Mention objects."""
        cdef Text t, f
        cdef str folded = fold_fast(text)
        cdef Py_ssize_t ntok, k
        cdef uint32_t chars
        text_of(&t, text)
        text_of(&f, folded)
        self.tokens.used = 0
        self.mentions.used = 0
        ntok = self.tokenize(&t, &f, &chars)
        self.find_mentions(text, &t, &f, <Token*>self.tokens.data, ntok)
        men = <CMention*>self.mentions.data
        return [self.mention_object(text, &men[k]) for k in range(self.mentions.used)]

    def inspect(self, list sentences, object outlet=None):
        """One article read by this core: ``(mentions, attributions, rows)`` per sentence, as
        the reference has them (Mention lists, Attribution or None, sets of feature rows)."""
        cdef Py_ssize_t n = len(sentences), i, k
        cdef Sent* s
        cdef CMention* men
        fixed = np.zeros((self.n_features + 1, 1), dtype=np.int64)
        sums, rows, starts, states = self.read(sentences, [(0, n)], [outlet], fixed)
        # read() leaves the last article's reading in the buffers
        mentions = []
        attributions = []
        for i in range(n):
            s = <Sent*>self.sents.data + i
            text = sentences[i]
            men = <CMention*>self.mentions.data + s.men0
            mentions.append([self.mention_object(text, &men[k]) for k in range(s.nmen)])
            attributions.append(self.attribution_object(text, &s.attr) if s.attr.found else None)
        ends = [*starts[1:].tolist(), len(rows)]
        features = [set(rows[a:b].tolist()) for a, b in zip(starts.tolist(), ends)]
        return mentions, attributions, features

    cdef object attribution_object(self, str text, Found* a):
        return Attribution(
            Span(a.sp_start, a.sp_end, text[a.sp_start:a.sp_end]),
            Span(a.cue_start, a.cue_end, text[a.cue_start:a.cue_end]),
            self.actors[a.actor] if a.actor >= 0 else None,
            GROUP_NAMES[a.group] if a.group >= 0 else None,
            HOW_NAMES[a.how],
        )


# -- splitting -------------------------------------------------------------------------------

cdef inline bint is_line_break(Py_UCS4 c) noexcept:
    return (c == 10 or c == 13 or c == 11 or c == 12 or c == 0x1C or c == 0x1D or c == 0x1E
            or c == 0x85 or c == 0x2028 or c == 0x2029)


cdef inline bint is_split_space(Py_UCS4 c) noexcept:
    """``_splitting._SPACE``: white space, less the separators \\x1c-\\x1f."""
    return u_space(c) and not (0x1C <= c <= 0x1F)


cdef bint is_word_breaker(Py_UCS4 c) noexcept:
    # _splitting._WORD_BREAKERS: ()[]{}"'‘’“”«»;:*@?!
    return (c == 40 or c == 41 or c == 91 or c == 93 or c == 123 or c == 125 or c == 34
            or c == 39 or c == 0x2018 or c == 0x2019 or c == 0x201C or c == 0x201D or c == 0xAB
            or c == 0xBB or c == 59 or c == 58 or c == 42 or c == 64 or c == 63 or c == 33)


cdef inline bint is_closing(Py_UCS4 c) noexcept:
    # _splitting._CLOSING's characters: "')]}‘’“”«»
    return (c == 34 or c == 39 or c == 41 or c == 93 or c == 125 or c == 0x2018 or c == 0x2019
            or c == 0x201C or c == 0x201D or c == 0xAB or c == 0xBB)


cdef bint has_candidate(Text* t, Py_ssize_t start, Py_ssize_t stop):
    """Whether ``text[start:stop]`` (a line) has a candidate end (``_splitting._CANDIDATE``: a
    stop that a breaker, or white space and then anything, follows) that can break it.

    Two kinds cannot, whatever their context: a stop followed by closing quotes and brackets
    alone up to the line's last non-space character (they stay with the sentence, and no
    next sentence starts), and a stop followed by white space and a lower-case letter (news
    prose does not break there: ``_news_breaks``). A line with no other candidate has no
    break; one with another is judged by ``_splitting._line_breaks`` itself."""
    cdef Py_ssize_t i, j, end = stop
    cdef Py_UCS4 c
    while end > start and u_space(at(t, end - 1)):
        end -= 1
    for i in range(start, stop - 1):
        c = at(t, i)
        if c != 46 and c != 63 and c != 33:
            continue
        c = at(t, i + 1)
        if is_word_breaker(c):
            j = i + 1
            while j < end and is_closing(at(t, j)):
                j += 1
            if j < end:
                return True
        elif is_split_space(c):
            j = i + 2
            while j < stop and is_split_space(at(t, j)):
                j += 1
            if j < stop and not u_lower(at(t, j)):
                return True
    return False


cdef Py_ssize_t cut_point(Text* t, Py_ssize_t start, Py_ssize_t limit):
    """``_splitting._cut_point``: the last space or tab in text[start + 1:limit + 1]."""
    cdef Py_ssize_t i, hi = limit + 1
    if hi > t.n:
        hi = t.n
    for i in range(hi - 1, start, -1):
        if at(t, i) == 32 or at(t, i) == 9:
            return i
    return limit


cdef bint trimmed(Text* t, Py_ssize_t start, Py_ssize_t end, Py_ssize_t* a, Py_ssize_t* b):
    """``_splitting._trimmed``: the piece without its outer white space, if any is left."""
    while start < end and u_space(at(t, start)):
        start += 1
    while end > start and u_space(at(t, end - 1)):
        end -= 1
    a[0] = start
    b[0] = end
    return end > start


cdef int bounded_in(str text, Text* t, Py_ssize_t start, Py_ssize_t stop, Py_ssize_t max_chars,
                    bint cut_before, bint cut_after, list out) except -1:
    """``_splitting._bounded_in``."""
    cdef Py_ssize_t i, number, last, left, right, a, b, piece_start, piece_stop
    cdef bint edge
    for i in range(start, stop):
        if not u_space(at(t, i)):
            break
    else:
        return 0
    bounds = [0]
    if has_candidate(t, start, stop):
        bounds.extend(_split_py._line_breaks(text[start:stop]))
    bounds.append(stop - start)
    last = len(bounds) - 2
    for number in range(len(bounds) - 1):
        left = bounds[number]
        right = bounds[number + 1]
        if not trimmed(t, start + left, start + right, &a, &b):
            continue
        edge = (number == 0 and cut_before) or (number == last and cut_after)
        if b - a <= max_chars:
            out.append((a, b, edge))
            continue
        piece_start = a
        while piece_start < b:
            while u_space(at(t, piece_start)):
                piece_start += 1
            piece_stop = min(piece_start + max_chars, b)
            if piece_stop < b:
                piece_stop = cut_point(t, piece_start, piece_stop)
            if trimmed(t, piece_start, piece_stop, &left, &right):
                out.append((left, right, True))
            piece_start = piece_stop
    return 0


def split_spans(str text, Py_ssize_t max_chars, Py_ssize_t window=100_000):
    """``_splitting.split_bounded(text, max_chars)`` as a list of ``(start, end, cut)``."""
    cdef Text t
    cdef Py_ssize_t i = 0, line_start, line_end, start, stop
    cdef list out = []
    text_of(&t, text)
    while i < t.n:
        if is_line_break(at(&t, i)):
            i += 1
            continue
        line_start = i
        while i < t.n and not is_line_break(at(&t, i)):
            i += 1
        line_end = i
        start = line_start
        while start < line_end:
            stop = line_end
            if stop - start > window:
                stop = cut_point(&t, start, start + window)
            bounded_in(text, &t, start, stop, max_chars, start > line_start, stop < line_end, out)
            start = stop
    return out


# -- cues ------------------------------------------------------------------------------------

def top_cues(const int32_t[::1] flat, const int64_t[::1] starts, const Py_ssize_t[::1] best,
             const double[:, ::1] lift, const int64_t[::1] rank, Py_ssize_t top):
    """``Model._top_cues`` over this core's rows: per sentence, the rows and weights of its
    ``top`` features with the largest positive weight towards its label (ties by the
    feature's name), or of its single strongest feature when none is positive; two
    (n, top) arrays, strongest first, rows padded with -1."""
    cdef Py_ssize_t n = starts.shape[0], i, j, k, k2, lo, hi, kept, count, label
    cdef double w
    cdef int32_t row
    cdef bint positive
    rows_out = np.full((n, top), -1, dtype=np.int32)
    weights_out = np.zeros((n, top), dtype=np.float64)
    cdef int32_t[:, ::1] kept_r = rows_out
    cdef double[:, ::1] kept_w = weights_out
    if top <= 0:
        return rows_out, weights_out
    for i in range(n):
        lo = starts[i]
        hi = starts[i + 1] if i + 1 < n else flat.shape[0]
        label = best[i]
        positive = False
        for k in range(lo, hi):
            if lift[flat[k], label] > 0:
                positive = True
                break
        count = top if positive else 1
        kept = 0
        for k in range(lo, hi):
            row = flat[k]
            w = lift[row, label]
            if positive and not w > 0:
                continue
            # insert (w, row) into the kept list, strongest first, ties by name
            j = kept
            while j > 0 and (w > kept_w[i, j - 1] or (
                    w == kept_w[i, j - 1] and rank[row] < rank[kept_r[i, j - 1]])):
                j -= 1
            if j >= count:
                continue
            if kept < count:
                kept += 1
            for k2 in range(kept - 1, j, -1):
                kept_w[i, k2] = kept_w[i, k2 - 1]
                kept_r[i, k2] = kept_r[i, k2 - 1]
            kept_w[i, j] = w
            kept_r[i, j] = row
    return rows_out, weights_out


# -- the document stage -------------------------------------------------------------------

# The blocks of a document-stage row, in the order of ``_document_stage.COLUMNS`` (a test
# holds the two to the same names): eight blocks of one column per label and three more for
# each kind of document, then four flags and two more for each kind.
STAGE_BLOCKS = ("own", "own_log", "prev", "next", "free_doc", "plain_doc", "free_doc_all",
                "named_doc_all") + tuple(
    f"{kind}:{block}" for kind in KIND_NAMES[:N_STAGE_KINDS]
    for block in ("own", "free_doc", "plain_doc"))
STAGE_TAIL = ("free", "first", "last", "no_free_in_doc") + tuple(
    f"{kind}:{flag}" for kind in KIND_NAMES[:N_STAGE_KINDS] for flag in ("free", "plain"))
cdef double _STAGE_FLOOR = 1e-6  # _document_stage._FLOOR


cdef void softmax_row(const double* scores, double* out, Py_ssize_t k) noexcept nogil:
    """``_scoring.softmax`` of one row."""
    cdef Py_ssize_t j
    cdef double top = scores[0], total = 0.0
    for j in range(1, k):
        if scores[j] > top:
            top = scores[j]
    for j in range(k):
        out[j] = exp(scores[j] - top)
        total += out[j]
    for j in range(k):
        out[j] /= total


def document_stage(const double[:, ::1] first, const int64_t[::1] starts,
                   const int64_t[::1] lengths, const unsigned char[:, ::1] states,
                   const double[:, ::1] coef, const double[::1] intercept,
                   const double[:, ::1] lift):
    """``_document_stage.document_stage``, fused: the softmax of the first stage's scores
    ``first``, :func:`_document_stage.document_rows` of articles ``starts``/``lengths`` (in
    order, covering every sentence) with ``states``, the second stage ``coef``/``intercept``
    and its softmax, in one pass without making the rows. A row is mostly zeros (a sentence
    either names a source or does not), so each sentence adds only the blocks it has, and a
    document's means are made once.

    Returns ``(proba, best, pushed)``: the probabilities (n x labels), the chosen label (the
    first largest, as argmax) and how far the document's columns pushed it, the sum of those
    columns times ``lift`` (the stage's weights relative to their mean) at the chosen label.
    """
    cdef Py_ssize_t n = first.shape[0], k = first.shape[1], d, i, j, c, lo, hi, b, q, base
    # eight blocks of k, then three more for each kind; four flags, then two for each kind
    cdef Py_ssize_t tail = (8 + 3 * N_STAGE_KINDS) * k
    cdef Py_ssize_t columns = tail + 4 + 2 * N_STAGE_KINDS, free_count
    if coef.shape[0] != columns or coef.shape[1] != k or intercept.shape[0] != k:
        raise ValueError(f"document stage weights of shape ({coef.shape[0]}, {coef.shape[1]}) "
                         f"for {k} labels; expected ({columns}, {k})")
    if lift.shape[0] != columns or lift.shape[1] != k:
        raise ValueError("the document lift must have the shape of the stage's weights")
    if states.shape[0] != n or (n and states.shape[1] != N_STATES):
        raise ValueError(f"states must hold {N_STATES} flags per sentence")
    if starts.shape[0] != lengths.shape[0]:
        raise ValueError("starts and lengths must have one entry per article")
    proba_out = np.zeros((n, k), dtype=np.float64)
    best_out = np.zeros(n, dtype=np.intp)
    pushed_out = np.zeros(n, dtype=np.float64)
    if n == 0:
        return proba_out, best_out, pushed_out
    cdef double[:, ::1] proba = proba_out
    cdef Py_ssize_t[::1] best = best_out
    cdef double[::1] pushed = pushed_out
    first_proba = np.empty((n, k), dtype=np.float64)
    cdef double[:, ::1] p = first_proba
    cdef double* doc_mean = <double*>calloc(k, sizeof(double))
    cdef double* free_mean = <double*>calloc(k, sizeof(double))
    cdef double* scores = <double*>calloc(k, sizeof(double))
    if doc_mean == NULL or free_mean == NULL or scores == NULL:
        free(doc_mean)
        free(free_mean)
        free(scores)
        raise MemoryError()
    cdef bint is_free, own_voice, at_first, at_last, no_free
    cdef double x, top, push
    cdef Py_ssize_t expected = 0
    try:
        for d in range(starts.shape[0]):
            if starts[d] != expected or lengths[d] < 1 or starts[d] + lengths[d] > n:
                raise ValueError("the articles must cover the sentences in order")
            expected = starts[d] + lengths[d]
        if expected != n:
            raise ValueError("the articles must cover the sentences in order")
        for i in range(n):
            softmax_row(&first[i, 0], &p[i, 0], k)
        for d in range(starts.shape[0]):
            lo = starts[d]
            hi = lo + lengths[d]
            memset(doc_mean, 0, k * sizeof(double))
            memset(free_mean, 0, k * sizeof(double))
            free_count = 0
            for i in range(lo, hi):
                is_free = states[i, 0]
                if is_free:
                    free_count += 1
                for j in range(k):
                    doc_mean[j] += p[i, j]
                    if is_free:
                        free_mean[j] += p[i, j]
            for j in range(k):
                doc_mean[j] /= hi - lo
                if free_count:
                    free_mean[j] /= free_count
            no_free = free_count == 0
            for i in range(lo, hi):
                is_free = states[i, 0]
                own_voice = states[i, 1]
                at_first = i == lo
                at_last = i == hi - 1
                for c in range(k):
                    scores[c] = intercept[c]
                for j in range(k):
                    x = p[i, j]
                    for c in range(k):
                        scores[c] += x * coef[j, c]
                    x = log(fmax(x, _STAGE_FLOOR))
                    for c in range(k):
                        scores[c] += x * coef[k + j, c]
                    if not at_first:
                        x = p[i - 1, j]
                        for c in range(k):
                            scores[c] += x * coef[2 * k + j, c]
                    if not at_last:
                        x = p[i + 1, j]
                        for c in range(k):
                            scores[c] += x * coef[3 * k + j, c]
                    if is_free:
                        b = 4 if own_voice else 5
                        for c in range(k):
                            scores[c] += free_mean[j] * coef[b * k + j, c]
                            scores[c] += doc_mean[j] * coef[6 * k + j, c]
                    else:
                        for c in range(k):
                            scores[c] += doc_mean[j] * coef[7 * k + j, c]
                    for q in range(N_STAGE_KINDS):
                        if states[i, 2 + q]:
                            base = (8 + 3 * q) * k
                            x = p[i, j]
                            for c in range(k):
                                scores[c] += x * coef[base + j, c]
                            if is_free:
                                b = base + (k if own_voice else 2 * k)
                                for c in range(k):
                                    scores[c] += free_mean[j] * coef[b + j, c]
                for c in range(k):
                    scores[c] += (is_free * coef[tail, c] + at_first * coef[tail + 1, c]
                                  + at_last * coef[tail + 2, c] + no_free * coef[tail + 3, c])
                if is_free:
                    for q in range(N_STAGE_KINDS):
                        if states[i, 2 + q]:
                            b = tail + 4 + 2 * q + (0 if own_voice else 1)
                            for c in range(k):
                                scores[c] += coef[b, c]
                softmax_row(scores, &proba[i, 0], k)
                b = 0
                top = proba[i, 0]
                for c in range(1, k):
                    if proba[i, c] > top:
                        top = proba[i, c]
                        b = c
                best[i] = b
                # the document's columns (GROUP_OF_COLUMN "document") towards the label
                push = no_free * lift[tail + 3, b]
                for j in range(k):
                    if is_free:
                        push += free_mean[j] * lift[(4 if own_voice else 5) * k + j, b]
                        push += doc_mean[j] * lift[6 * k + j, b]
                    else:
                        push += doc_mean[j] * lift[7 * k + j, b]
                if is_free:
                    for q in range(N_STAGE_KINDS):
                        if states[i, 2 + q]:
                            base = (8 + 3 * q) * k + (k if own_voice else 2 * k)
                            for j in range(k):
                                push += free_mean[j] * lift[base + j, b]
                            push += lift[tail + 4 + 2 * q + (0 if own_voice else 1), b]
                pushed[i] = push
    finally:
        free(doc_mean)
        free(free_mean)
        free(scores)
    return proba_out, best_out, pushed_out


def insert_document_cues(int32_t[:, ::1] rows, double[:, ::1] weights,
                         const double[::1] pushed, const Py_ssize_t[::1] best,
                         double threshold, int32_t first_id):
    """``Model._add_document_cues`` in place: where the document pushed a sentence's label by
    more than ``threshold``, its cue (id ``first_id`` + label) goes after the cues at least as
    strong, and the weakest drops out when there is no room."""
    cdef Py_ssize_t n = rows.shape[0], top = rows.shape[1], i, c, at
    cdef double w
    if weights.shape[0] != n or weights.shape[1] != top or pushed.shape[0] != n \
            or best.shape[0] != n:
        raise ValueError("the cue arrays must have one row per sentence")
    for i in range(n):
        w = pushed[i]
        if not w > threshold:
            continue
        at = 0
        for c in range(top):
            if rows[i, c] >= 0 and weights[i, c] >= w:
                at += 1
        if at >= top:
            continue
        for c in range(top - 1, at, -1):
            rows[i, c] = rows[i, c - 1]
            weights[i, c] = weights[i, c - 1]
        rows[i, at] = first_id + <int32_t>best[i]
        weights[i, at] = w


# -- labelled rows -------------------------------------------------------------------------

_tuple_new = tuple.__new__


def labelled_rows(list units, list counts, const int64_t[:, ::1] bounds,
                  const double[:, ::1] proba, const Py_ssize_t[::1] label_ids,
                  tuple label_names, tuple keys, list cues, const unsigned char[::1] cut,
                  type row):
    """``batch._labelling.LabelledBatch.rows`` of the reference, made here: one ``row``
    (``SentenceLabel``) per sentence, with the same fields (tests/test_core_equality.py)."""
    cdef list out = []
    cdef dict probabilities
    cdef str text
    cdef Py_ssize_t position = 0, i, j, count, n_keys = len(keys)
    cdef int64_t start, end
    if proba.shape[1] != n_keys:
        raise ValueError("one key for each column of proba")
    for unit, count in zip(units, counts):
        article = unit.article
        text, offset, first = article.text, unit.offset, unit.first
        article_id, outlet, date = article.id, article.outlet, article.date
        for i in range(count):
            start, end = bounds[position, 0], bounds[position, 1]
            probabilities = {}
            for j in range(n_keys):
                probabilities[keys[j]] = proba[position, j]
            out.append(_tuple_new(row, (
                article_id, outlet, date, first + i, offset + start, offset + end,
                text[start:end], label_names[label_ids[position]], probabilities,
                cues[position], cut[position] != 0)))
            position += 1
    return out


# -- JSON Lines rows -------------------------------------------------------------------------

cdef extern from "Python.h":
    bint PyUnicode_IS_ASCII(object o)
    char* PyOS_double_to_string(double val, char format_code, int precision, int flags,
                                int* type) except NULL
    void PyMem_Free(void* p)
    int Py_DTSF_ADD_DOT_0

cdef extern from "stdio.h":
    int snprintf(char* s, size_t n, const char* fmt, ...)


cdef struct Bytes:
    char* data
    Py_ssize_t used
    Py_ssize_t size


cdef int grow(Bytes* b, Py_ssize_t more) except -1:
    cdef Py_ssize_t size
    cdef char* data
    if b.used + more <= b.size:
        return 0
    size = max(2 * b.size, b.used + more, 1 << 16)
    data = <char*>realloc(b.data, size)
    if data == NULL:
        raise MemoryError()
    b.data, b.size = data, size
    return 0


cdef inline int put(Bytes* b, const char* s, Py_ssize_t n) except -1:
    if b.used + n > b.size:
        grow(b, n)
    memcpy(b.data + b.used, s, n)
    b.used += n
    return 0


cdef inline int put_cstr(Bytes* b, const char* s) except -1:
    return put(b, s, strlen(s))


cdef inline int utf8_at(unsigned char* out, uint32_t c) noexcept:
    """Write code point ``c`` (>= 0x80, not a surrogate) at ``out`` in UTF-8; its length."""
    if c < 0x800:
        out[0] = <unsigned char>(0xC0 | (c >> 6))
        out[1] = <unsigned char>(0x80 | (c & 0x3F))
        return 2
    if c < 0x10000:
        out[0] = <unsigned char>(0xE0 | (c >> 12))
        out[1] = <unsigned char>(0x80 | ((c >> 6) & 0x3F))
        out[2] = <unsigned char>(0x80 | (c & 0x3F))
        return 3
    out[0] = <unsigned char>(0xF0 | (c >> 18))
    out[1] = <unsigned char>(0x80 | ((c >> 12) & 0x3F))
    out[2] = <unsigned char>(0x80 | ((c >> 6) & 0x3F))
    out[3] = <unsigned char>(0x80 | (c & 0x3F))
    return 4


cdef uint64_t ONES = 0x0101010101010101ULL
cdef uint64_t HIGHS = 0x8080808080808080ULL


cdef inline bint escapes_in(uint64_t eight) noexcept:
    """Whether any of eight ASCII bytes is one JSON escapes: a control character (< 32), a
    quote or a backslash. Bit tricks on the whole word: a byte's high bit is set in
    ``(x - n) & ~x & HIGHS`` exactly when that byte of ``x`` is below ``n`` (for bytes below
    128), and equality is "below 1" after an xor."""
    cdef uint64_t quote = eight ^ (ONES * 34)
    cdef uint64_t backslash = eight ^ (ONES * 92)
    return (
        ((eight - ONES * 32) & ~eight)
        | ((quote - ONES) & ~quote)
        | ((backslash - ONES) & ~backslash)
    ) & HIGHS != 0


cdef int json_string(Bytes* b, str value, Py_ssize_t lo=0, Py_ssize_t hi=-1) except -2:
    """``value[lo:hi]`` (all of it by default) as ``_io.dumps`` writes a string, in UTF-8:
    ``json.JSONEncoder(ensure_ascii=False)``, then U+0085, U+2028 and U+2029 escaped. Returns
    1, writing nothing, for a lone surrogate (UTF-8 cannot hold it: the caller writes the
    escaped form)."""
    cdef Text t
    cdef Py_ssize_t i, last, mark = b.used
    cdef Py_UCS4 c
    cdef uint64_t eight
    cdef unsigned char* out
    cdef Py_ssize_t k
    cdef char escape[8]
    text_of(&t, value)
    # the bounds of a slice, as value[lo:hi] takes them (here never negative)
    if hi < 0 or hi > t.n:
        hi = t.n
    if lo > hi:
        lo = hi
    put(b, '"', 1)
    if t.kind == PyUnicode_1BYTE_KIND and PyUnicode_IS_ASCII(value):
        last = lo
        i = lo
        while i < hi:
            if i + 8 <= hi:  # eight characters at a time while none needs escaping
                memcpy(&eight, <char*>t.data + i, 8)
                if not escapes_in(eight):
                    i += 8
                    continue
            c = (<unsigned char*>t.data)[i]
            i += 1
            if c >= 32 and c != 34 and c != 92:
                continue
            put(b, <char*>t.data + last, i - 1 - last)
            json_escape(b, c)
            last = i
        put(b, <char*>t.data + last, hi - last)
    else:
        # Room for the longest form of every character (an escape, six bytes), then bytes
        # written in place: no capacity check a character.
        grow(b, 6 * (hi - lo) + 1)
        out = <unsigned char*>b.data
        k = b.used
        for i in range(lo, hi):
            c = at(&t, i)
            if c < 0x80:
                if c >= 32 and c != 34 and c != 92:
                    out[k] = <unsigned char>c
                    k += 1
                else:
                    b.used = k
                    json_escape(b, c)
                    out, k = <unsigned char*>b.data, b.used  # within the room: never moved
            elif c == 0x85 or c == 0x2028 or c == 0x2029:
                snprintf(escape, 8, "\\u%04x", <unsigned int>c)
                memcpy(out + k, escape, 6)
                k += 6
            elif 0xD800 <= c <= 0xDFFF:
                b.used = mark
                return 1
            else:
                k += utf8_at(out + k, <uint32_t>c)
        b.used = k
    put(b, '"', 1)
    return 0


cdef int json_escape(Bytes* b, Py_UCS4 c) except -1:
    """An ASCII character that JSON escapes (a quote, a backslash, a control character)."""
    cdef char escape[8]
    if c == 34:
        return put(b, '\\"', 2)
    if c == 92:
        return put(b, '\\\\', 2)
    if c == 10:
        return put(b, '\\n', 2)
    if c == 13:
        return put(b, '\\r', 2)
    if c == 9:
        return put(b, '\\t', 2)
    if c == 8:
        return put(b, '\\b', 2)
    if c == 12:
        return put(b, '\\f', 2)
    snprintf(escape, 8, "\\u%04x", <unsigned int>c)
    return put(b, escape, 6)


cdef int json_float(Bytes* b, double value) except -1:
    """``float.__repr__(value)``, refusing NaN and infinities as ``json.JSONEncoder(
    allow_nan=False)`` does: a probability by :func:`short_repr`, anything it leaves by
    CPython's own function."""
    cdef char* text
    cdef char digits[32]
    cdef int n
    if not isfinite(value):  # a C test: comparing with a Python float boxes the value
        raise ValueError("Out of range float values are not JSON compliant: " + repr(value))
    n = short_repr(value, digits)
    if n:
        return put(b, digits, n)
    text = PyOS_double_to_string(value, b'r', 0, Py_DTSF_ADD_DOT_0, NULL)
    try:
        put_cstr(b, text)
    finally:
        PyMem_Free(text)
    return 0


# -- the shortest repr of a probability ------------------------------------------------------
#
# float.__repr__ is the shortest decimal that reads back as the same double, the closest to it
# when several are as short (CPython's dtoa, mode 0): half the time of writing a labelled row.
# For 1e-7 <= v < 1 the exact arithmetic fits in 128 bits: v = m * 2**q, and v * 10**K =
# V / 2**s with V = 2m * 5**K, s = 1 - K - q, K chosen so that v * 10**K has 17 digits before
# the point; the doubles that read back as v are those strictly between (2m - 1) * 5**K and
# (2m + 1) * 5**K (over 2**s). Dropping j = 16, 15, ... of the 17 digits, the first length
# with a candidate (the floor or the next multiple of 10**j) inside that interval is the
# shortest. What would need dtoa's own rules (a candidate on the interval's edge, two
# candidates equally close, a power of two, whose interval is lopsided) goes to dtoa.
# tests/test_core_equality.py holds it to float.__repr__.

cdef extern from *:
    """
    #ifdef __SIZEOF_INT128__
    typedef unsigned __int128 stance_u128;
    #define STANCE_HAS_U128 1
    #else  /* no 128-bit integers (a 32-bit target): short_repr leaves every value to dtoa */
    typedef unsigned long long stance_u128;
    #define STANCE_HAS_U128 0
    #endif
    """
    ctypedef unsigned long long u128 "stance_u128"
    const bint STANCE_HAS_U128

cdef extern from "math.h":
    double floor(double x) nogil

cdef uint64_t POW10[18]
cdef uint64_t POW5[24]
POW10[0] = 1
POW5[0] = 1
for _i in range(1, 18):
    POW10[_i] = POW10[_i - 1] * 10
for _i in range(1, 24):
    POW5[_i] = POW5[_i - 1] * 5


cdef char DIGIT_PAIRS[200]
_PAIRS = b"".join(b"%02d" % _i for _i in range(100))
memcpy(DIGIT_PAIRS, <char*>_PAIRS, 200)


cdef inline int write_digits(uint64_t c, char* digits) noexcept:
    """The decimal digits of ``c`` (> 0, at most 20 of them) into ``digits``, most significant
    first; returns how many. Two digits a step, from the pair table, written from the end."""
    cdef char buffer[20]
    cdef int i = 20, k
    while c >= 100:
        k = <int>(c % 100)
        c //= 100
        i -= 2
        buffer[i] = DIGIT_PAIRS[2 * k]
        buffer[i + 1] = DIGIT_PAIRS[2 * k + 1]
    if c >= 10:
        i -= 2
        buffer[i] = DIGIT_PAIRS[2 * c]
        buffer[i + 1] = DIGIT_PAIRS[2 * c + 1]
    else:
        i -= 1
        buffer[i] = <char>(48 + c)
    memcpy(digits, buffer + i, 20 - i)
    return 20 - i


cdef int short_repr(double value, char* out) noexcept:
    """Write ``float.__repr__(value)`` to ``out`` (32 bytes) and return its length, or return 0
    when this is not a case it settles (see above)."""
    cdef uint64_t bits, m, c, c0, p
    cdef int q, K, s, j, tries, nd, decpt, i, e
    cdef u128 V, lo, hi, A, B, d0, d1, found_A = 0, found_B = 0
    cdef bint in0, in1, found_in0 = False, found_in1 = False
    cdef int found
    cdef char digits[20]
    if not STANCE_HAS_U128 or not (value >= 1e-7 and value < 1.0):
        return 0
    memcpy(&bits, &value, 8)
    m = bits & ((<uint64_t>1 << 52) - 1)
    if m == 0:
        return 0
    m |= <uint64_t>1 << 52
    q = <int>((bits >> 52) & 0x7FF) - 1075
    # value is in [2**(q + 52), 2**(q + 53)): its power of ten, to within one
    K = 16 - <int>floor((q + 52) * 0.30102999566398120)
    for tries in range(4):
        if K < 0 or K > 23:
            return 0
        s = 1 - K - q
        if s <= 0 or s > 62:
            return 0
        V = (<u128>(2 * m)) * POW5[K]
        if V < ((<u128>POW10[16]) << s):
            K += 1
        elif V >= ((<u128>POW10[17]) << s):
            K -= 1
        else:
            break
    else:
        return 0
    lo = (<u128>(2 * m - 1)) * POW5[K]
    hi = (<u128>(2 * m + 1)) * POW5[K]
    c0 = <uint64_t>(V >> s)  # the 17 digits, rounded down
    # Dropping j digits works for every j up to the largest that does (a candidate at j is
    # one at j - 1): probabilities need 16 or 17 digits, so count up from none.
    found = -1
    for j in range(17):
        p = POW10[j]
        A = (<u128>((c0 // p) * p)) << s
        B = A + ((<u128>p) << s)
        if A == lo or B == hi:
            return 0
        in0 = A > lo
        in1 = B < hi
        if not (in0 or in1):
            break
        found = j
        c = c0 // p
        found_in0 = in0
        found_in1 = in1
        found_A = A
        found_B = B
    if found < 0:
        return 0
    j = found
    if found_in0 and found_in1:
        d0 = V - found_A
        d1 = found_B - V
        if d0 == d1:
            return 0
        if d1 < d0:
            c += 1
    elif found_in1:
        c += 1
    # c * 10**(j - K): its digits without trailing zeros, and where the point goes
    while c % 10 == 0:
        c //= 10
        j += 1
    nd = write_digits(c, digits)
    decpt = nd + j - K  # value = 0.<digits> * 10**decpt
    i = 0
    if decpt <= -4 or decpt > 16:  # float_repr_style 'short': 1e-05, 1.5e-07
        out[0] = digits[0]
        i = 1
        if nd > 1:
            out[1] = b'.'
            memcpy(out + 2, digits + 1, nd - 1)
            i = nd + 1
        e = decpt - 1
        out[i] = b'e'
        out[i + 1] = b'-' if e < 0 else b'+'
        e = -e if e < 0 else e
        if e < 10:
            out[i + 2] = b'0'
            out[i + 3] = <char>(48 + e)
            return i + 4
        if e < 100:
            out[i + 2] = <char>(48 + e // 10)
            out[i + 3] = <char>(48 + e % 10)
            return i + 4
        return 0
    if decpt <= 0:
        out[0] = b'0'
        out[1] = b'.'
        memset(out + 2, 48, -decpt)
        memcpy(out + 2 - decpt, digits, nd)
        return 2 - decpt + nd
    return 0  # >= 1: not in this range


def float_reprs(const double[::1] values):
    """``float.__repr__`` of each value as the JSON writer writes it (for the tests)."""
    cdef Bytes b
    cdef Py_ssize_t i
    cdef list out = []
    b.data, b.used, b.size = NULL, 0, 0
    try:
        for i in range(values.shape[0]):
            b.used = 0
            json_float(&b, values[i])
            out.append(b.data[:b.used].decode("ascii"))
        return out
    finally:
        free(b.data)


cdef int json_field(Bytes* b, object key, str value, dict cache) except -2:
    """:func:`json_string` of a ``value`` that repeats from row to row (an article's id,
    outlet and date, a label, the cues), encoded once per call, found by its ``key``."""
    cdef bytes done = cache.get(key)
    cdef Py_ssize_t mark
    if done is None:
        mark = b.used
        if json_string(b, value):
            return 1
        done = b.data[mark:b.used]
        cache[key] = done
        return 0
    return put(b, done, len(done))



def jsonl_batch(list units, list counts, const int64_t[:, ::1] bounds,
                const double[:, ::1] proba, const Py_ssize_t[::1] label_ids, tuple label_names,
                tuple keys, list cues, const unsigned char[::1] cut):
    """The JSON Lines bytes of a labelled batch (``batch._labelling.LabelledBatch``), written
    from its columns: exactly ``_io.jsonl_bytes([row.row() for row in batch.rows()])``
    (tests/test_core_equality.py holds it to that), or None when a lone surrogate needs the
    escaped form that function falls back to. ``keys`` name the columns of ``proba``."""
    cdef Bytes b
    cdef dict fields = {}
    cdef dict cues_json = {}
    cdef list key_json = []
    cdef list label_json = []
    cdef bytes done, head
    cdef Py_ssize_t position = 0, i, j, count, mark, n_keys = len(keys)
    cdef long long offset, first
    cdef int bad = 0
    if proba.shape[1] != n_keys:
        raise ValueError("one key for each column of proba")
    for key in keys:
        done = _json_key(key)
        if done is None:
            return None
        key_json.append(done)
    b.data, b.used, b.size = NULL, 0, 0
    try:
        grow(&b, 256 * label_ids.shape[0])
        for name in label_names:  # each label's JSON, by its index
            mark = b.used
            if json_string(&b, name):
                return None
            label_json.append(b.data[mark:b.used])
            b.used = mark
        for unit, count in zip(units, counts):
            article = unit.article
            text, offset, first = article.text, unit.offset, unit.first
            # the row's start up to "idx", the same for every sentence of the unit
            mark = b.used
            put_cstr(&b, '{"article_id": ')
            bad |= json_field(&b, article.id, article.id, fields)
            put_cstr(&b, ', "outlet": ')
            bad |= json_field(&b, article.outlet, article.outlet, fields)
            put_cstr(&b, ', "date": ')
            bad |= json_field(&b, article.date, article.date, fields)
            put_cstr(&b, ', "idx": ')
            head = b.data[mark:b.used]
            b.used = mark
            if bad:
                return None
            for i in range(count):
                put(&b, head, len(head))
                json_long(&b, first + i)
                put_cstr(&b, ', "start": ')
                json_long(&b, offset + bounds[position, 0])
                put_cstr(&b, ', "end": ')
                json_long(&b, offset + bounds[position, 1])
                put_cstr(&b, ', "text": ')
                bad |= json_string(&b, text, bounds[position, 0], bounds[position, 1])
                put_cstr(&b, ', "label": ')
                done = label_json[label_ids[position]]
                put(&b, done, len(done))
                for j in range(n_keys):
                    done = key_json[j]
                    put(&b, done, len(done))
                    json_float(&b, proba[position, j])
                put_cstr(&b, ', "cues": ')
                sentence_cues = cues[position]
                done = cues_json.get(sentence_cues)
                if done is None:
                    mark = b.used
                    bad |= json_string(&b, "; ".join(sentence_cues))
                    cues_json[sentence_cues] = b.data[mark:b.used]
                else:
                    put(&b, done, len(done))
                if cut[position]:
                    put_cstr(&b, ', "cut": true}\n')
                else:
                    put_cstr(&b, ', "cut": false}\n')
                if bad:
                    return None
                position += 1
        return b.data[:b.used]
    finally:
        free(b.data)


cdef int json_long(Bytes* b, long long number) except -1:
    """``int.__repr__(number)``."""
    cdef char digits[24]
    cdef int i = 24
    cdef unsigned long long rest = <unsigned long long>number
    if number < 0:
        rest = 0 - rest
    while True:
        i -= 1
        digits[i] = <char>(48 + rest % 10)
        rest //= 10
        if rest == 0:
            break
    if number < 0:
        i -= 1
        digits[i] = b'-'
    return put(b, digits + i, 24 - i)


cdef bytes _json_key(str name):
    """``, "p_<name>": `` in UTF-8 (None for a lone surrogate)."""
    cdef Bytes b
    b.data, b.used, b.size = NULL, 0, 0
    try:
        put_cstr(&b, ', ')
        if json_string(&b, "p_" + name):
            return None
        put_cstr(&b, ': ')
        return b.data[:b.used]
    finally:
        free(b.data)
