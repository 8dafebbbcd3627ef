/* xmpp-reader.c: the XML stream parser (libxml2 push parser, SAX2)
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "xmpp-reader.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <string.h>

#include "xmpp-error.h"
#include "xmpp-node-private.h"
#include "xmpp-reader-private.h"

/**
 * XmppReader:
 *
 * Parses the XML stream of RFC 6120 §4 and hands on one #XmppNode per
 * element at depth 1 (stanzas and nonzas alike) at its end tag.
 *
 * Every fault ends the stream: xmpp_reader_feed() fails with an error in
 * the %XMPP_STREAM_ERROR domain whose code is the condition to send, and
 * refuses further input until xmpp_reader_reset().  The faults:
 *
 * - %XMPP_STREAM_ERROR_RESTRICTED_XML: what RFC 6120 §11.1 forbids
 *   (comments, processing instructions, DTDs and any `<!DOCTYPE`,
 *   `<!ENTITY` and other declarations, references to entities other than
 *   the five predefined ones), an XML declaration that is not at the very
 *   start or whose version is not 1.0.
 * - %XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING: an XML declaration naming an
 *   encoding other than UTF-8, or a stream that starts as UTF-16 or UCS-4.
 * - %XMPP_STREAM_ERROR_NOT_WELL_FORMED: invalid UTF-8 (overlong forms,
 *   surrogates, code points above U+10FFFF, split sequences that never
 *   complete), characters XML 1.0 forbids (NUL and other C0 controls,
 *   U+FFFE, U+FFFF, also as character references) and anything libxml2
 *   rejects.
 * - %XMPP_STREAM_ERROR_BAD_NAMESPACE_PREFIX: an undeclared prefix.
 * - %XMPP_STREAM_ERROR_INVALID_NAMESPACE: a root other than
 *   `{http://etherx.jabber.org/streams}stream`.
 * - %XMPP_STREAM_ERROR_BAD_FORMAT: character data other than whitespace
 *   between stanzas.
 * - %XMPP_STREAM_ERROR_POLICY_VIOLATION: a stanza larger than
 *   xmpp_reader_set_max_stanza_bytes() (counted while it arrives, so an
 *   endless one is cut off early), nested deeper than
 *   xmpp_reader_set_max_depth(), or a start tag with more attributes than
 *   xmpp_reader_set_max_attributes().
 *
 * CDATA sections are allowed: RFC 6120 §11.1 does not list them, and they
 * are well-formed XML 1.0.  Their content counts as character data.
 *
 * The bytes are checked by a small scanner before libxml2 sees them: it
 * validates UTF-8 across chunk boundaries, checks the XML declaration,
 * counts attributes in start tags and stops at `<!--`, `<!DOCTYPE` and
 * `<?` at once, so that a billion-laughs document or a start tag with a
 * million attributes costs nothing (libxml2 2.9 checks duplicate
 * attributes in quadratic time).  libxml2's own SAX handlers for the
 * restricted constructs stay installed behind it, and entity substitution,
 * DTD loading and network access stay off.
 *
 * A namespace name that is not an RFC 3986 URI is accepted (libxml2 calls
 * it an error, but servers relay such stanzas from any peer, and a peer
 * must not be able to end our stream).  Names a peer makes up are interned
 * only within a budget, see #XmppNode.
 *
 * The reader is not thread-safe; the nodes it hands on may move to other
 * threads.
 */

#define SCAN_DECL_MAX 256

typedef enum {
  SCAN_TEXT,          /* character data, prolog, epilog */
  SCAN_LT,            /* after '<' */
  SCAN_BANG,          /* after "<!" */
  SCAN_START_TAG,     /* in a start tag, outside quotes */
  SCAN_SQUOTE,        /* in a '…' attribute value */
  SCAN_DQUOTE,        /* in a "…" attribute value */
  SCAN_END_TAG,       /* in "</…>" */
  SCAN_CDATA,         /* after "<![" until "]]>" */
  SCAN_DECL,          /* in the XML declaration at the start */
} ScanState;

typedef enum {
  K_PLAIN,
  K_CTRL,
  K_HIGH,
  K_LT,
  K_GT,
  K_SQUOTE,
  K_DQUOTE,
  K_EQ,
  K_RSQB,
} ByteClass;

static const guint8 byte_class[256] = {
  [0x00 ... 0x08] = K_CTRL,
  [0x0b ... 0x0c] = K_CTRL,
  [0x0e ... 0x1f] = K_CTRL,
  ['<'] = K_LT,
  ['>'] = K_GT,
  ['\''] = K_SQUOTE,
  ['"'] = K_DQUOTE,
  ['='] = K_EQ,
  [']'] = K_RSQB,
  [0x80 ... 0xff] = K_HIGH,
};

#define K(x) (1u << (x))
#define K_ALWAYS (K (K_CTRL) | K (K_HIGH))

/* The byte classes each state must look at; the scanner skips the rest. */
static const guint16 scan_stops[] = {
  [SCAN_TEXT] = K_ALWAYS | K (K_LT),
  [SCAN_LT] = 0xffff,
  [SCAN_BANG] = 0xffff,
  [SCAN_START_TAG] = K_ALWAYS | K (K_LT) | K (K_GT) | K (K_SQUOTE) | K (K_DQUOTE) | K (K_EQ),
  [SCAN_SQUOTE] = K_ALWAYS | K (K_LT) | K (K_SQUOTE),
  [SCAN_DQUOTE] = K_ALWAYS | K (K_LT) | K (K_DQUOTE),
  [SCAN_END_TAG] = K_ALWAYS | K (K_LT) | K (K_GT),
  [SCAN_CDATA] = K_ALWAYS | K (K_RSQB) | K (K_GT),
  [SCAN_DECL] = 0xffff,
};

typedef struct
{
  guint64   offset;         /* bytes scanned since the reset */
  guint64   char_offset;    /* offset of the multi-byte character in progress */
  gunichar  cp;
  guint8    state;
  guint8    need;           /* continuation bytes still expected */
  guint8    char_length;
  guint8    rsqb;           /* ']' seen in a row inside CDATA */
  gboolean  bom;
  guint     tag_attributes;
  guint     decl_length;
  char      decl[SCAN_DECL_MAX];
} Scanner;

typedef struct
{
  XmppNode *node;           /* borrowed, except frames[1]: the stanza */
  gsize     text_start;     /* where its text starts in the text stack */
  guint     children_start; /* where its children start in the pending stack */
} Frame;

/* A name for a node under construction: interned, or copied into the
 * node's own allocation.
 */
typedef struct
{
  const char *interned;
  const char *text;       /* what to copy when not interned */
  char       *owned;      /* text, when it had to be made */
} PendingName;

typedef struct
{
  gconstpointer key;
  gconstpointer key2;
  const char   *interned;
} NameEntry;

struct _XmppReader
{
  GObject              parent_instance;

  XmppReaderCallbacks  callbacks;
  gpointer             user_data;
  GDestroyNotify       destroy;

  gsize                max_stanza_bytes;
  guint                max_depth;
  guint                max_attributes;

  xmlParserCtxtPtr     ctxt;
  Scanner              scan;
  GError              *error;       /* the fault that ended the stream */
  GError              *scan_error;  /* the scanner's fault, pending */

  guint                depth;       /* open elements, the stream root included */
  const char          *stream_xmlns;
  char                *stream_xmlns_owned;
  guint64              fed;         /* bytes given to libxml2 since the reset */
  guint64              mark;        /* offset where the current stanza began */
  Frame               *frames;      /* max_depth + 1; [1] is the stanza */

  /* The text of all open elements, innermost last. */
  char                *text;
  gsize                text_length;
  gsize                text_alloc;

  /* The children of all open elements, owned until their parent ends. */
  XmppNode           **pending;
  guint                pending_length;
  guint                pending_alloc;

  XmppNodeArena       *arena;       /* the stanza being built */

  /* libxml2 dictionary pointer (and prefix) → interned string. */
  NameEntry           *names;
  gsize                names_mask;
  gsize                names_used;
  PendingName         *attr_names;  /* scratch: 3 × max_attributes */

  guint                in_feed : 1;
  guint                reset_requested : 1;
};

G_DEFINE_FINAL_TYPE (XmppReader, xmpp_reader, G_TYPE_OBJECT)

#define SCRATCH_KEEP_MAX (64 * 1024)

/* Stops libxml2 from inside a SAX callback; it calls no more of them. */
static void
halt (XmppReader *self)
{
  if (self->ctxt != NULL && self->ctxt->instate != XML_PARSER_EOF)
    xmlStopParser (self->ctxt);
}

static void reader_fail (XmppReader      *self,
                         XmppStreamError  code,
                         const char      *format,
                         ...) G_GNUC_PRINTF (3, 4);

static void
reader_fail (XmppReader      *self,
             XmppStreamError  code,
             const char      *format,
             ...)
{
  va_list args;

  if (self->error == NULL)
    {
      va_start (args, format);
      self->error = g_error_new_valist (XMPP_STREAM_ERROR, code, format, args);
      va_end (args);
      g_debug ("XML stream error <%s/>: %s",
               xmpp_stream_error_to_condition (code), self->error->message);
    }

  /* Halting frees libxml2's input buffer, so callers do this last. */
  halt (self);
}

/* The scanner's faults wait until libxml2 has seen the bytes before them,
 * so that the first fault in stream order is the one reported.
 */
static void scan_fail (XmppReader      *self,
                       XmppStreamError  code,
                       const char      *format,
                       ...) G_GNUC_PRINTF (3, 4);

static void
scan_fail (XmppReader      *self,
           XmppStreamError  code,
           const char      *format,
           ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_clear_error (&self->scan_error);
  self->scan_error = g_error_new (XMPP_STREAM_ERROR, code, "%s at byte %" G_GUINT64_FORMAT,
                                  message, self->scan.offset);
}

static gssize decode_attribute (const char *value,
                                const char *end,
                                char       *out);

/* GLib never frees an interned string, and each time its quark table grows
 * it leaks the old array, so interning every name a peer makes up would
 * cost memory quadratic in the number of names, for the life of the
 * process.  Names someone already interned (every name a dispatcher looks
 * for) are always used; new ones only within this process-wide budget.
 * Past it, a node keeps a private copy, which still compares by strcmp().
 */
static int intern_budget = XMPP_READER_INTERN_BUDGET;

static const char not_interned[] = "";

static const char *
intern_from_network (const char *name)
{
  GQuark quark = g_quark_try_string (name);

  if (quark != 0)
    return g_quark_to_string (quark);
  if (g_atomic_int_get (&intern_budget) <= 0 || g_atomic_int_add (&intern_budget, -1) <= 0)
    return NULL;
  return g_intern_string (name);
}

void
xmpp_reader_set_intern_budget (int budget)
{
  g_atomic_int_set (&intern_budget, budget);
}

/* A cache in front of that, keyed on libxml2's dictionary pointers: names,
 * prefixes and namespace names come from the parser's dictionary, so the
 * same pointer means the same string until the parser is freed.
 */
static inline gsize
names_slot (XmppReader    *self,
            gconstpointer  key,
            gconstpointer  key2)
{
  guint64 hash = (guint64) (guintptr) key * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15) ^
                 (guint64) (guintptr) key2 * G_GUINT64_CONSTANT (0xc2b2ae3d27d4eb4f);

  return (gsize) (hash >> 29) & self->names_mask;
}

static NameEntry *
names_lookup (XmppReader    *self,
              gconstpointer  key,
              gconstpointer  key2)
{
  gsize i = names_slot (self, key, key2);

  while (self->names[i].key != NULL)
    {
      if (self->names[i].key == key && self->names[i].key2 == key2)
        return &self->names[i];
      i = (i + 1) & self->names_mask;
    }
  return NULL;
}

static void
names_insert (XmppReader    *self,
              gconstpointer  key,
              gconstpointer  key2,
              const char    *interned)
{
  gsize i;

  if ((self->names_used + 1) * 2 > self->names_mask + 1)
    {
      NameEntry *old = self->names;
      gsize old_size = self->names_mask + 1;

      self->names_mask = old_size * 2 - 1;
      self->names = g_new0 (NameEntry, old_size * 2);
      self->names_used = 0;
      for (gsize j = 0; j < old_size; j++)
        {
          if (old[j].key != NULL)
            names_insert (self, old[j].key, old[j].key2, old[j].interned);
        }
      g_free (old);
    }

  i = names_slot (self, key, key2);
  while (self->names[i].key != NULL)
    i = (i + 1) & self->names_mask;
  self->names[i] = (NameEntry) { key, key2, interned };
  self->names_used++;
}

/* Returns the interned form of @text, known to the cache as (@key, @key2),
 * or NULL if it is not interned.
 */
static const char *
resolve_name (XmppReader    *self,
              gconstpointer  key,
              gconstpointer  key2,
              const char    *text)
{
  NameEntry *entry = names_lookup (self, key, key2);
  const char *interned;

  if (G_LIKELY (entry != NULL && entry->interned != not_interned))
    return entry->interned;

  /* Under a flood of new names, someone may have interned this one since. */
  interned = intern_from_network (text);
  if (entry != NULL)
    entry->interned = interned != NULL ? interned : not_interned;
  else
    names_insert (self, key, key2, interned != NULL ? interned : not_interned);
  return interned;
}

static inline const char *
resolve_local_name (XmppReader    *self,
                    const xmlChar *name)
{
  NameEntry *entry = names_lookup (self, name, NULL);

  if (G_LIKELY (entry != NULL && entry->interned != not_interned))
    return entry->interned;
  return resolve_name (self, name, NULL, (const char *) name);
}

static void
names_clear (XmppReader *self)
{
  memset (self->names, 0, (self->names_mask + 1) * sizeof (NameEntry));
  self->names_used = 0;
}

static inline gboolean
is_xml_char (gunichar c)
{
  return (c >= 0x20 && c <= 0xd7ff) || c == 0x9 || c == 0xa || c == 0xd ||
         (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

/* Decodes one reference at @p ('&' … ';'); returns its length, or 0. */
static gsize
decode_reference (const char *p,
                  const char *end,
                  gunichar   *out)
{
  const char *semicolon = memchr (p, ';', MIN (end - p, 12));
  gsize length;

  if (semicolon == NULL)
    return 0;
  length = semicolon - p + 1;

  if (p[1] == '#')
    {
      gboolean hex = p[2] == 'x';
      const char *digit = p + (hex ? 3 : 2);
      gunichar value = 0;

      if (digit == semicolon)
        return 0;
      for (; digit < semicolon; digit++)
        {
          int d = hex ? g_ascii_xdigit_value (*digit) : g_ascii_digit_value (*digit);

          if (d < 0 || value > 0x10ffff)
            return 0;
          value = value * (hex ? 16 : 10) + d;
        }
      if (!is_xml_char (value))
        return 0;
      *out = value;
      return length;
    }

  if (length == 5 && memcmp (p, "&amp;", 5) == 0)
    *out = '&';
  else if (length == 4 && memcmp (p, "&lt;", 4) == 0)
    *out = '<';
  else if (length == 4 && memcmp (p, "&gt;", 4) == 0)
    *out = '>';
  else if (length == 6 && memcmp (p, "&quot;", 6) == 0)
    *out = '"';
  else if (length == 6 && memcmp (p, "&apos;", 6) == 0)
    *out = '\'';
  else
    return 0;
  return length;
}

/* With entity substitution off, libxml2 resolves character references in
 * attribute values but hands '&' (written &amp; or &#38;) over as "&#38;".
 * Decode the predefined entities and character references once, into @out
 * (which has room for @end - @value + 1 bytes: a reference is never shorter
 * than its UTF-8).  Returns the decoded length, or -1.
 */
static gssize
decode_attribute (const char *value,
                  const char *end,
                  char       *out)
{
  char *o = out;
  const char *p = value;

  while (p < end)
    {
      const char *amp = memchr (p, '&', end - p);
      gunichar c;
      gsize used;

      if (amp == NULL)
        {
          memcpy (o, p, end - p);
          o += end - p;
          break;
        }
      memcpy (o, p, amp - p);
      o += amp - p;
      used = decode_reference (amp, end, &c);
      if (used == 0)
        return -1;
      o += g_unichar_to_utf8 (c, o);
      p = amp + used;
    }
  *o = '\0';
  return o - out;
}

static void
pending_name_clear (PendingName *name)
{
  g_clear_pointer (&name->owned, g_free);
}

static gsize
pending_name_size (const PendingName *name)
{
  return name->interned != NULL ? 0 : strlen (name->text) + 1;
}

static const char *
pending_name_place (const PendingName  *name,
                    char              **blob)
{
  gsize size;
  char *copy;

  if (name->interned != NULL)
    return name->interned;
  size = strlen (name->text) + 1;
  copy = memcpy (*blob, name->text, size);
  *blob += size;
  return copy;
}

/* Namespace names reach us like attribute values, '&' as "&#38;". */
static gboolean
resolve_namespace (XmppReader    *self,
                   const xmlChar *uri,
                   PendingName   *out)
{
  NameEntry *entry = names_lookup (self, uri, NULL);
  const char *raw = (const char *) uri;
  gsize length;

  if (G_LIKELY (entry != NULL && entry->interned != not_interned))
    {
      out->interned = entry->interned;
      return TRUE;
    }

  out->text = raw;
  if (strchr (raw, '&') != NULL)
    {
      length = strlen (raw);
      out->owned = g_malloc (length + 1);
      if (decode_attribute (raw, raw + length, out->owned) < 0)
        return FALSE;
      out->text = out->owned;
    }
  out->interned = resolve_name (self, uri, NULL, out->text);
  return TRUE;
}

static void
resolve_qname (XmppReader    *self,
               const xmlChar *prefix,
               const xmlChar *localname,
               PendingName   *out)
{
  NameEntry *entry;

  if (prefix == NULL)
    {
      out->text = (const char *) localname;
      out->interned = resolve_local_name (self, localname);
      return;
    }

  entry = names_lookup (self, localname, prefix);
  if (G_LIKELY (entry != NULL && entry->interned != not_interned))
    {
      out->interned = entry->interned;
      return;
    }
  out->owned = g_strconcat ((const char *) prefix, ":", (const char *) localname, NULL);
  out->text = out->owned;
  out->interned = resolve_name (self, localname, prefix, out->text);
}

/* Builds one node: the attribute array, the values and any names that are
 * not interned share the node's allocation.
 */
static XmppNode *
build_node (XmppReader     *self,
            XmppNodeArena  *arena,
            const xmlChar  *localname,
            const xmlChar  *uri,
            int             nb_attributes,
            const xmlChar **attributes)
{
  PendingName name = { NULL, NULL, NULL };
  PendingName xmlns = { NULL, NULL, NULL };
  PendingName *attr_names = self->attr_names;
  PendingName *decl_names = self->attr_names + nb_attributes;
  PendingName *decl_values = self->attr_names + 2 * nb_attributes;
  XmppNode *node = NULL;
  gsize size = 0;
  guint n_decls = 0;
  char *blob;

  memset (attr_names, 0, nb_attributes * sizeof (PendingName));
  name.text = (const char *) localname;
  name.interned = resolve_local_name (self, localname);
  size += pending_name_size (&name);
  if (uri != NULL)
    {
      if (!resolve_namespace (self, uri, &xmlns))
        goto malformed;
      size += pending_name_size (&xmlns);
    }

  for (int i = 0; i < nb_attributes; i++)
    {
      const xmlChar **a = &attributes[i * 5];

      attr_names[i] = (PendingName) { NULL, NULL, NULL };
      resolve_qname (self, a[1], a[0], &attr_names[i]);
      size += pending_name_size (&attr_names[i]) + (a[4] - a[3]) + 1;

      /* Our tree drops namespace declarations, so a prefixed attribute
       * (other than xml:) brings its own: the node can then be serialised
       * on its own.
       */
      if (G_UNLIKELY (a[1] != NULL) && a[2] != NULL && strcmp ((const char *) a[1], "xml") != 0)
        {
          PendingName *decl = &decl_names[n_decls];
          PendingName *value = &decl_values[n_decls];
          gboolean seen = FALSE;

          *decl = (PendingName) { NULL, NULL, g_strconcat ("xmlns:", (const char *) a[1], NULL) };
          decl->text = decl->owned;
          for (guint j = 0; j < n_decls && !seen; j++)
            seen = strcmp (decl_names[j].text, decl->text) == 0;
          if (seen)
            {
              pending_name_clear (decl);
              continue;
            }
          decl->interned = intern_from_network (decl->text);
          *value = (PendingName) { NULL, NULL, NULL };
          if (!resolve_namespace (self, a[2], value))
            {
              n_decls++;
              goto malformed;
            }
          size += pending_name_size (decl) + strlen (value->interned != NULL ? value->interned
                                                                             : value->text) + 1;
          n_decls++;
        }
    }

  node = xmpp_node_new_packed (arena, nb_attributes + n_decls, size);
  blob = (char *) node + sizeof (XmppNode) + (nb_attributes + n_decls) * sizeof (XmppNodeAttr);
  node->name = pending_name_place (&name, &blob);
  if (uri != NULL)
    node->xmlns = pending_name_place (&xmlns, &blob);

  for (int i = 0; i < nb_attributes; i++)
    {
      const xmlChar **a = &attributes[i * 5];
      gssize length;

      node->attrs[node->n_attrs].name = pending_name_place (&attr_names[i], &blob);
      length = decode_attribute ((const char *) a[3], (const char *) a[4], blob);
      if (length < 0)
        goto malformed;
      node->attrs[node->n_attrs].value = blob;
      node->n_attrs++;
      blob += length + 1;
    }

  for (guint i = 0; i < n_decls; i++)
    {
      const char *value = decl_values[i].interned != NULL ? decl_values[i].interned
                                                          : decl_values[i].text;
      gsize length = strlen (value);

      node->attrs[node->n_attrs].name = pending_name_place (&decl_names[i], &blob);
      node->attrs[node->n_attrs].value = memcpy (blob, value, length + 1);
      node->n_attrs++;
      blob += length + 1;
    }

  goto out;

malformed:
  g_clear_pointer (&node, xmpp_node_unref);
  reader_fail (self, XMPP_STREAM_ERROR_NOT_WELL_FORMED,
               "Malformed reference in an attribute or namespace of <%s>",
               (const char *) localname);

out:
  pending_name_clear (&xmlns);
  for (int i = 0; i < nb_attributes; i++)
    pending_name_clear (&attr_names[i]);
  for (guint i = 0; i < n_decls; i++)
    {
      pending_name_clear (&decl_names[i]);
      pending_name_clear (&decl_values[i]);
    }
  return node;
}

/* Stream offset of libxml2's read position. */
static guint64
parser_position (XmppReader *self)
{
  long consumed = xmlByteConsumed (self->ctxt);

  return consumed > 0 ? (guint64) consumed : 0;
}

/* Stream offset just past @ch, which usually points into libxml2's input
 * buffer (it is a copy only when libxml2 had to normalise the text).
 */
static guint64
position_after (XmppReader    *self,
                const xmlChar *ch,
                int            len)
{
  xmlParserInputPtr input = self->ctxt->input;

  if (ch >= input->base && ch + len <= input->end)
    return input->consumed + (ch + len - input->base);
  return parser_position (self);
}

static void
open_stream (XmppReader     *self,
             const xmlChar  *localname,
             const xmlChar  *uri,
             int             nb_namespaces,
             const xmlChar **namespaces,
             int             nb_attributes,
             const xmlChar **attributes)
{
  XmppNodeArena *arena;
  XmppNode *header;

  if (uri == NULL || strcmp ((const char *) uri, XMPP_NS_STREAMS) != 0 ||
      strcmp ((const char *) localname, "stream") != 0)
    {
      reader_fail (self, XMPP_STREAM_ERROR_INVALID_NAMESPACE,
                   "The stream root is {%s}%s, not {" XMPP_NS_STREAMS "}stream",
                   uri != NULL ? (const char *) uri : "", (const char *) localname);
      return;
    }

  for (int i = 0; i < nb_namespaces; i++)
    {
      PendingName ns = { NULL, NULL, NULL };

      if (namespaces[i * 2] != NULL || namespaces[i * 2 + 1] == NULL ||
          namespaces[i * 2 + 1][0] == '\0')
        continue;
      if (!resolve_namespace (self, namespaces[i * 2 + 1], &ns))
        {
          pending_name_clear (&ns);
          reader_fail (self, XMPP_STREAM_ERROR_NOT_WELL_FORMED,
                       "Malformed reference in the stream namespace");
          return;
        }
      if (ns.interned == NULL)
        {
          g_free (self->stream_xmlns_owned);
          self->stream_xmlns_owned = g_strdup (ns.text);
        }
      self->stream_xmlns = ns.interned != NULL ? ns.interned : self->stream_xmlns_owned;
      pending_name_clear (&ns);
    }

  arena = xmpp_node_arena_new ();
  header = build_node (self, arena, localname, uri, nb_attributes, attributes);
  xmpp_node_arena_release (arena);
  if (header == NULL)
    return;

  /* libxml2 reports a start tag while standing on its closing '>'. */
  self->depth = 1;
  self->mark = parser_position (self) + (self->ctxt->input->cur[0] == '>' ? 1 : 0);
  if (self->callbacks.stream_opened != NULL)
    self->callbacks.stream_opened (self, header, self->user_data);
  xmpp_node_unref (header);
}

static void
start_element_cb (void           *ctx,
                  const xmlChar  *localname,
                  const xmlChar  *prefix,
                  const xmlChar  *uri,
                  int             nb_namespaces,
                  const xmlChar **namespaces,
                  int             nb_attributes,
                  int             nb_defaulted,
                  const xmlChar **attributes)
{
  XmppReader *self = ctx;
  guint level = self->depth;
  XmppNode *node;

  if (G_UNLIKELY (self->error != NULL))
    {
      halt (self);
      return;
    }

  if (G_UNLIKELY ((guint) (nb_attributes + nb_namespaces) > self->max_attributes))
    {
      reader_fail (self, XMPP_STREAM_ERROR_POLICY_VIOLATION,
                   "<%s> has more than %u attributes", (const char *) localname,
                   self->max_attributes);
      return;
    }

  if (G_UNLIKELY (level == 0))
    {
      open_stream (self, localname, uri, nb_namespaces, namespaces, nb_attributes, attributes);
      return;
    }

  if (G_UNLIKELY (level > self->max_depth))
    {
      reader_fail (self, XMPP_STREAM_ERROR_POLICY_VIOLATION,
                   "A stanza is nested deeper than %u levels", self->max_depth);
      return;
    }

  if (level == 1)
    self->arena = xmpp_node_arena_new ();
  node = build_node (self, self->arena, localname, uri, nb_attributes, attributes);
  if (node == NULL)
    return;

  if (level > 1)
    {
      if (G_UNLIKELY (self->pending_length == self->pending_alloc))
        {
          self->pending_alloc = MAX (64, self->pending_alloc * 2);
          self->pending = g_renew (XmppNode *, self->pending, self->pending_alloc);
        }
      self->pending[self->pending_length++] = node;
    }
  self->frames[level].node = node;
  self->frames[level].text_start = self->text_length;
  self->frames[level].children_start = self->pending_length;
  self->depth = level + 1;
}

static gboolean
is_xml_space (const char *text,
              gsize       length)
{
  for (gsize i = 0; i < length; i++)
    {
      if (text[i] != ' ' && text[i] != '\n' && text[i] != '\t' && text[i] != '\r')
        return FALSE;
    }
  return TRUE;
}

static void
finish_text (XmppReader *self,
             Frame      *frame)
{
  gsize length = self->text_length - frame->text_start;
  const char *text;

  if (length == 0)
    return;
  text = self->text + frame->text_start;
  self->text_length = frame->text_start;

  /* Indentation between child elements is not content. */
  if (frame->node->n_children > 0 && is_xml_space (text, length))
    return;
  xmpp_node_set_arena_text (frame->node, text, length);
}

static void
end_element_cb (void          *ctx,
                const xmlChar *localname,
                const xmlChar *prefix,
                const xmlChar *uri)
{
  XmppReader *self = ctx;
  guint level;
  Frame *frame;
  XmppNode *stanza;
  guint64 position;

  if (G_UNLIKELY (self->error != NULL || self->depth == 0))
    {
      halt (self);
      return;
    }

  level = --self->depth;
  if (G_UNLIKELY (level == 0))
    {
      if (self->callbacks.stream_closed != NULL)
        self->callbacks.stream_closed (self, self->user_data);
      return;
    }

  frame = &self->frames[level];
  if (self->pending_length > frame->children_start)
    {
      xmpp_node_set_arena_children (frame->node, self->pending + frame->children_start,
                                    self->pending_length - frame->children_start);
      self->pending_length = frame->children_start;
    }
  finish_text (self, frame);
  if (level > 1)
    {
      frame->node = NULL;
      return;
    }

  stanza = g_steal_pointer (&frame->node);
  g_clear_pointer (&self->arena, xmpp_node_arena_release);

  /* A huge stanza's scratch space is not kept for the next ones. */
  if (self->text_alloc > SCRATCH_KEEP_MAX)
    {
      g_clear_pointer (&self->text, g_free);
      self->text_alloc = 0;
    }
  if (self->pending_alloc * sizeof (XmppNode *) > SCRATCH_KEEP_MAX)
    {
      g_clear_pointer (&self->pending, g_free);
      self->pending_alloc = 0;
    }

  position = parser_position (self);
  if (position > self->mark && position - self->mark > self->max_stanza_bytes)
    {
      xmpp_node_unref (stanza);
      reader_fail (self, XMPP_STREAM_ERROR_POLICY_VIOLATION,
                   "A stanza is larger than %" G_GSIZE_FORMAT " bytes",
                   self->max_stanza_bytes);
      return;
    }
  self->mark = position;

  if (self->callbacks.stanza != NULL)
    self->callbacks.stanza (self, stanza, self->user_data);
  xmpp_node_unref (stanza);
}

static void
characters_cb (void          *ctx,
               const xmlChar *ch,
               int            len)
{
  XmppReader *self = ctx;

  if (G_UNLIKELY (self->error != NULL))
    {
      halt (self);
      return;
    }

  if (G_UNLIKELY (self->depth <= 1))
    {
      /* Between stanzas only whitespace (keepalives) may appear. */
      if (!is_xml_space ((const char *) ch, len))
        {
          reader_fail (self, XMPP_STREAM_ERROR_BAD_FORMAT,
                       "Character data outside a stanza");
          return;
        }
      self->mark = MAX (self->mark, position_after (self, ch, len));
      return;
    }

  if (G_UNLIKELY (self->text_length + len + 1 > self->text_alloc))
    {
      self->text_alloc = MAX (MAX (256, self->text_alloc * 2), self->text_length + len + 1);
      self->text = g_realloc (self->text, self->text_alloc);
    }
  memcpy (self->text + self->text_length, ch, len);
  self->text_length += len;
}

/* RFC 6120 §11.1: none of these may appear in an XMPP stream. */
static void
restricted (XmppReader *self,
            const char *what)
{
  reader_fail (self, XMPP_STREAM_ERROR_RESTRICTED_XML,
               "%s is restricted XML (RFC 6120 section 11.1)", what);
}

static void
internal_subset_cb (void          *ctx,
                    const xmlChar *name,
                    const xmlChar *external_id,
                    const xmlChar *system_id)
{
  restricted (ctx, "A document type declaration");
}

static void
entity_decl_cb (void          *ctx,
                const xmlChar *name,
                int            type,
                const xmlChar *public_id,
                const xmlChar *system_id,
                xmlChar       *content)
{
  restricted (ctx, "An entity declaration");
}

static void
element_decl_cb (void                *ctx,
                 const xmlChar       *name,
                 int                  type,
                 xmlElementContentPtr content)
{
  restricted (ctx, "An element declaration");
}

static void
attribute_decl_cb (void          *ctx,
                   const xmlChar *elem,
                   const xmlChar *fullname,
                   int            type,
                   int            def,
                   const xmlChar *default_value,
                   xmlEnumerationPtr tree)
{
  xmlFreeEnumeration (tree);
  restricted (ctx, "An attribute list declaration");
}

static void
notation_decl_cb (void          *ctx,
                  const xmlChar *name,
                  const xmlChar *public_id,
                  const xmlChar *system_id)
{
  restricted (ctx, "A notation declaration");
}

static void
unparsed_entity_decl_cb (void          *ctx,
                         const xmlChar *name,
                         const xmlChar *public_id,
                         const xmlChar *system_id,
                         const xmlChar *notation_name)
{
  restricted (ctx, "An entity declaration");
}

static xmlEntityPtr
get_entity_cb (void          *ctx,
               const xmlChar *name)
{
  /* libxml2 resolves the five predefined entities before asking. */
  restricted (ctx, "An entity reference");
  return NULL;
}

static xmlParserInputPtr
resolve_entity_cb (void          *ctx,
                   const xmlChar *public_id,
                   const xmlChar *system_id)
{
  restricted (ctx, "An external entity");
  return NULL;
}

static void
reference_cb (void          *ctx,
              const xmlChar *name)
{
  restricted (ctx, "An entity reference");
}

static void
comment_cb (void          *ctx,
            const xmlChar *value)
{
  restricted (ctx, "A comment");
}

static void
processing_instruction_cb (void          *ctx,
                           const xmlChar *target,
                           const xmlChar *data)
{
  restricted (ctx, "A processing instruction");
}

static XmppStreamError
condition_for (const xmlError *error)
{
  if (error->domain == XML_FROM_NAMESPACE && error->code == XML_NS_ERR_UNDEFINED_NAMESPACE)
    return XMPP_STREAM_ERROR_BAD_NAMESPACE_PREFIX;

  switch (error->code)
    {
    case XML_ERR_UNSUPPORTED_ENCODING:
      return XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING;
    case XML_ERR_UNDECLARED_ENTITY:
    case XML_ERR_RESERVED_XML_NAME:
      return XMPP_STREAM_ERROR_RESTRICTED_XML;
    default:
      return XMPP_STREAM_ERROR_NOT_WELL_FORMED;
    }
}

/* Only records the error: halting the parser from inside libxml2's error
 * path would pull the input buffer from under the function that reported
 * it.  Fatal errors stop the SAX callbacks anyway; after the others (the
 * namespace errors) the next callback halts the parser.
 */
static void
structured_error_cb (void        *user_data,
                     xmlErrorPtr  error)
{
  XmppReader *self = user_data;
  g_autofree char *message = NULL;

  /* libxml2 checks namespace names against RFC 3986 and calls a failure
   * an error; servers relay such stanzas, so it must not end our stream
   * (a remote peer could disconnect us at will, SECURITY.md row 25).
   */
  if (error->level == XML_ERR_WARNING || error->code == XML_WAR_NS_URI || self->error != NULL)
    return;

  message = g_strchomp (g_strdup (error->message != NULL ? error->message : "XML error"));
  self->error = g_error_new (XMPP_STREAM_ERROR, condition_for (error),
                             "%s (line %d, column %d)", message, error->line, error->int2);
  g_debug ("XML stream error <%s/>: %s",
           xmpp_stream_error_to_condition (self->error->code), self->error->message);
}

static void
start_parser (XmppReader *self)
{
  xmlSAXHandler sax;

  /* A zeroed handler with the SAX2 magic rather than xmlSAXVersion(), whose
   * defaults build a document tree and resolve entities: every callback
   * we do not set here stays NULL.
   */
  memset (&sax, 0, sizeof sax);
  sax.initialized = XML_SAX2_MAGIC;
  sax.startElementNs = start_element_cb;
  sax.endElementNs = end_element_cb;
  sax.characters = characters_cb;
  sax.ignorableWhitespace = characters_cb;
  sax.cdataBlock = characters_cb;
  sax.internalSubset = internal_subset_cb;
  sax.externalSubset = internal_subset_cb;
  sax.entityDecl = entity_decl_cb;
  sax.elementDecl = element_decl_cb;
  sax.attributeDecl = attribute_decl_cb;
  sax.notationDecl = notation_decl_cb;
  sax.unparsedEntityDecl = unparsed_entity_decl_cb;
  sax.getEntity = get_entity_cb;
  sax.getParameterEntity = get_entity_cb;
  sax.resolveEntity = resolve_entity_cb;
  sax.reference = reference_cb;
  sax.comment = comment_cb;
  sax.processingInstruction = processing_instruction_cb;
  sax.serror = structured_error_cb;

  self->ctxt = xmlCreatePushParserCtxt (&sax, self, NULL, 0, NULL);
  if (self->ctxt == NULL)
    g_error ("libxml2 could not create a parser context: out of memory");

  /* Never NOENT, DTDLOAD, DTDATTR, XINCLUDE, HUGE or RECOVER. */
  xmlCtxtUseOptions (self->ctxt, XML_PARSE_NONET | XML_PARSE_NODICT);
}

static void
clear_stream (XmppReader *self)
{
  g_clear_pointer (&self->ctxt, xmlFreeParserCtxt);
  /* A stanza cut short: its elements are not linked to their parents yet. */
  for (guint i = 0; i < self->pending_length; i++)
    xmpp_node_unref (self->pending[i]);
  self->pending_length = 0;
  if (self->depth > 1)
    g_clear_pointer (&self->frames[1].node, xmpp_node_unref);
  g_clear_pointer (&self->arena, xmpp_node_arena_release);
  for (guint i = 0; i <= self->max_depth; i++)
    self->frames[i].node = NULL;
  names_clear (self);
  g_clear_error (&self->error);
  g_clear_error (&self->scan_error);
  memset (&self->scan, 0, sizeof self->scan);
  self->depth = 0;
  self->stream_xmlns = NULL;
  g_clear_pointer (&self->stream_xmlns_owned, g_free);
  self->fed = 0;
  self->mark = 0;
  self->text_length = 0;
  self->reset_requested = FALSE;
}

static void
scan_multibyte_start (XmppReader *self,
                      guchar      c)
{
  Scanner *s = &self->scan;

  if (c >= 0xc2 && c <= 0xdf)
    {
      s->char_length = 2;
      s->cp = c & 0x1f;
    }
  else if (c >= 0xe0 && c <= 0xef)
    {
      s->char_length = 3;
      s->cp = c & 0x0f;
    }
  else if (c >= 0xf0 && c <= 0xf4)
    {
      s->char_length = 4;
      s->cp = c & 0x07;
    }
  else if (s->offset == 0 && (c == 0xfe || c == 0xff))
    {
      scan_fail (self, XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING,
                 "The stream starts with a UTF-16 byte order mark");
      return;
    }
  else
    {
      scan_fail (self, XMPP_STREAM_ERROR_NOT_WELL_FORMED, "Invalid UTF-8 byte 0x%02x", c);
      return;
    }
  s->need = s->char_length - 1;
  s->char_offset = s->offset;
}

static gboolean
scan_multibyte_end (XmppReader *self)
{
  Scanner *s = &self->scan;
  gunichar cp = s->cp;

  if ((s->char_length == 3 && cp < 0x800) ||
      (s->char_length == 4 && (cp < 0x10000 || cp > 0x10ffff)))
    scan_fail (self, XMPP_STREAM_ERROR_NOT_WELL_FORMED, "Overlong or out-of-range UTF-8");
  else if (cp >= 0xd800 && cp <= 0xdfff)
    scan_fail (self, XMPP_STREAM_ERROR_NOT_WELL_FORMED, "UTF-8 encoded surrogate U+%04X", cp);
  else if (cp == 0xfffe || cp == 0xffff)
    scan_fail (self, XMPP_STREAM_ERROR_NOT_WELL_FORMED, "Noncharacter U+%04X", cp);
  else
    {
      if (cp == 0xfeff && s->char_offset == 0)
        s->bom = TRUE;
      return TRUE;
    }
  return FALSE;
}

/* The XML declaration (XML 1.0 §2.8) must say version 1.0 and, if it
 * names an encoding, UTF-8 (RFC 6120 §11.6).
 */
static void
scan_declaration (XmppReader *self)
{
  static const char * const names[] = { "version", "encoding", "standalone" };
  const char *p = self->scan.decl + 2;
  const char *end = self->scan.decl + self->scan.decl_length - 2;
  gsize target_length = 0;
  guint next = 0;

  while (p + target_length < end && !g_ascii_isspace (p[target_length]))
    target_length++;
  if (target_length != 3 || memcmp (p, "xml", 3) != 0)
    {
      if (target_length == 3 && g_ascii_strncasecmp (p, "xml", 3) == 0)
        scan_fail (self, XMPP_STREAM_ERROR_NOT_WELL_FORMED, "Malformed XML declaration");
      else
        scan_fail (self, XMPP_STREAM_ERROR_RESTRICTED_XML,
                   "A processing instruction is restricted XML (RFC 6120 section 11.1)");
      return;
    }
  p += 3;

  /* version, then optionally encoding, then optionally standalone. */
  while (p < end && g_ascii_isspace (*p))
    {
      const char *name;
      const char *value;
      gsize name_length;
      gsize value_length;
      guint which;
      char quote;

      while (p < end && g_ascii_isspace (*p))
        p++;
      if (p == end)
        break;
      name = p;
      while (p < end && g_ascii_isalpha (*p))
        p++;
      name_length = p - name;
      while (p < end && g_ascii_isspace (*p))
        p++;
      if (p == end || *p != '=')
        goto malformed;
      p++;
      while (p < end && g_ascii_isspace (*p))
        p++;
      if (p == end || (*p != '\'' && *p != '"'))
        goto malformed;
      quote = *p++;
      value = p;
      while (p < end && *p != quote)
        p++;
      if (p == end)
        goto malformed;
      value_length = p - value;
      p++;

      for (which = next; which < G_N_ELEMENTS (names); which++)
        {
          if (strlen (names[which]) == name_length && memcmp (names[which], name, name_length) == 0)
            break;
        }
      if (which == G_N_ELEMENTS (names) || (next == 0 && which != 0))
        goto malformed;
      next = which + 1;

      if (which == 0 && !(value_length == 3 && memcmp (value, "1.0", 3) == 0))
        {
          scan_fail (self, XMPP_STREAM_ERROR_RESTRICTED_XML,
                     "XML version %.*s is not 1.0", (int) MIN (value_length, 16), value);
          return;
        }
      if (which == 1 &&
          !(value_length == 5 && g_ascii_strncasecmp (value, "UTF-8", 5) == 0) &&
          !(value_length == 4 && g_ascii_strncasecmp (value, "UTF8", 4) == 0))
        {
          scan_fail (self, XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING,
                     "The stream declares the encoding %.*s, not UTF-8",
                     (int) MIN (value_length, 32), value);
          return;
        }
      if (which == 2 &&
          !(value_length == 3 && memcmp (value, "yes", 3) == 0) &&
          !(value_length == 2 && memcmp (value, "no", 2) == 0))
        goto malformed;
    }

  if (p == end && next > 0)
    return;

malformed:
  scan_fail (self, XMPP_STREAM_ERROR_NOT_WELL_FORMED, "Malformed XML declaration");
}

/* Handles one ASCII byte that the state cares about.  Returns FALSE to
 * look at the same byte again in the new state.
 */
static gboolean
scan_byte (XmppReader *self,
           guchar      c)
{
  Scanner *s = &self->scan;

  switch ((ScanState) s->state)
    {
    case SCAN_TEXT:
      /* Only '<' stops here. */
      s->state = SCAN_LT;
      return TRUE;

    case SCAN_LT:
      if (c == '!')
        s->state = SCAN_BANG;
      else if (c == '/')
        s->state = SCAN_END_TAG;
      else if (c == '?' && s->offset - 1 == (s->bom ? 3 : 0))
        {
          s->state = SCAN_DECL;
          memcpy (s->decl, "<?", 2);
          s->decl_length = 2;
        }
      else if (c == '?')
        scan_fail (self, XMPP_STREAM_ERROR_RESTRICTED_XML,
                   "A processing instruction or a misplaced XML declaration is "
                   "restricted XML (RFC 6120 section 11.1)");
      else
        {
          s->state = SCAN_START_TAG;
          s->tag_attributes = 0;
          return FALSE;
        }
      return TRUE;

    case SCAN_BANG:
      if (c == '[')
        {
          s->state = SCAN_CDATA;
          s->rsqb = 0;
        }
      else if (c == '-')
        scan_fail (self, XMPP_STREAM_ERROR_RESTRICTED_XML,
                   "A comment is restricted XML (RFC 6120 section 11.1)");
      else if (c >= 'A' && c <= 'Z')
        scan_fail (self, XMPP_STREAM_ERROR_RESTRICTED_XML,
                   "A document type or markup declaration is restricted XML "
                   "(RFC 6120 section 11.1)");
      else
        scan_fail (self, XMPP_STREAM_ERROR_NOT_WELL_FORMED, "Malformed markup after <!");
      return TRUE;

    case SCAN_START_TAG:
      if (c == '>')
        s->state = SCAN_TEXT;
      else if (c == '\'')
        s->state = SCAN_SQUOTE;
      else if (c == '"')
        s->state = SCAN_DQUOTE;
      else if (c == '=')
        {
          if (++s->tag_attributes > self->max_attributes)
            scan_fail (self, XMPP_STREAM_ERROR_POLICY_VIOLATION,
                       "A start tag has more than %u attributes", self->max_attributes);
        }
      else
        scan_fail (self, XMPP_STREAM_ERROR_NOT_WELL_FORMED, "'<' inside a tag");
      return TRUE;

    case SCAN_SQUOTE:
    case SCAN_DQUOTE:
      if (c == '<')
        scan_fail (self, XMPP_STREAM_ERROR_NOT_WELL_FORMED, "'<' in an attribute value");
      else
        s->state = SCAN_START_TAG;
      return TRUE;

    case SCAN_END_TAG:
      if (c == '>')
        s->state = SCAN_TEXT;
      else
        scan_fail (self, XMPP_STREAM_ERROR_NOT_WELL_FORMED, "'<' inside an end tag");
      return TRUE;

    case SCAN_CDATA:
      if (c == ']')
        s->rsqb++;
      else if (s->rsqb >= 2)
        s->state = SCAN_TEXT;
      else
        s->rsqb = 0;
      return TRUE;

    case SCAN_DECL:
      if (s->decl_length == SCAN_DECL_MAX)
        {
          scan_fail (self, XMPP_STREAM_ERROR_NOT_WELL_FORMED, "Overlong XML declaration");
          return TRUE;
        }
      s->decl[s->decl_length++] = c;
      if (c == '>' && s->decl[s->decl_length - 2] == '?')
        {
          s->state = SCAN_TEXT;
          scan_declaration (self);
        }
      return TRUE;

    default:
      g_assert_not_reached ();
    }
  return TRUE;
}

/* scan_stop[state][byte]: whether the state must look at the byte; built
 * from the two tables above in class_init.
 */
static guint8 scan_stop[SCAN_DECL + 1][256];

static void
init_scan_tables (void)
{
  for (guint state = 0; state < G_N_ELEMENTS (scan_stops); state++)
    {
      for (guint c = 0; c < 256; c++)
        scan_stop[state][c] = (scan_stops[state] & K (byte_class[c])) != 0;
    }
}

/* Returns the length of the complete UTF-8 sequence at @p if it encodes an
 * XML character, else 0 (also when it continues past @end).
 */
static inline gsize
utf8_sequence (const guchar *p,
               const guchar *end)
{
  gsize avail = end - p;
  gunichar cp;

  if (p[0] >= 0xc2 && p[0] <= 0xdf)
    {
      if (avail >= 2 && (p[1] & 0xc0) == 0x80)
        return 2;
    }
  else if (p[0] >= 0xe0 && p[0] <= 0xef)
    {
      if (avail >= 3 && (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80)
        {
          cp = ((p[0] & 0x0f) << 12) | ((p[1] & 0x3f) << 6) | (p[2] & 0x3f);
          /* Not overlong, no surrogate, not U+FFFE or U+FFFF. */
          if (cp >= 0x800 && (cp < 0xd800 || cp > 0xdfff) && cp < 0xfffe)
            return 3;
        }
    }
  else if (p[0] >= 0xf0 && p[0] <= 0xf4)
    {
      if (avail >= 4 && (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80 && (p[3] & 0xc0) == 0x80)
        {
          cp = ((p[0] & 0x07) << 18) | ((p[1] & 0x3f) << 12) | ((p[2] & 0x3f) << 6) | (p[3] & 0x3f);
          if (cp >= 0x10000 && cp <= 0x10ffff)
            return 4;
        }
    }
  return 0;
}

#define ONES G_GUINT64_CONSTANT (0x0101010101010101)
#define HIGHS G_GUINT64_CONSTANT (0x8080808080808080)

/* Skips 8 bytes at a time while none of them is @special, a control
 * character (tab, newline and carriage return included: the byte loop
 * takes those) or non-ASCII: the usual text and attribute values.
 */
static inline const guchar *
skip_plain (const guchar *p,
            const guchar *end,
            guchar        special)
{
  guint64 specials = ONES * special;

  while (end - p >= 8)
    {
      guint64 w;
      guint64 x;

      memcpy (&w, p, 8);
      x = w ^ specials;
      /* High bit set, a byte below 0x20, or a zero byte in x. */
      if ((w | ((w - ONES * 0x20) & ~w) | ((x - ONES) & ~x)) & HIGHS)
        break;
      p += 8;
    }
  return p;
}

/* Checks @length bytes before libxml2 sees them.  Returns how many are
 * fine; on a fault, self->scan_error is set and the count stops before the
 * faulty byte.
 *
 * The fast paths skip bytes the current state does not care about and
 * whole valid UTF-8 sequences; everything else (markup, sequences split
 * across chunks, faults) goes byte by byte through the state machine.
 */
static gsize
scan (XmppReader   *self,
      const guchar *data,
      gsize         length)
{
  Scanner *s = &self->scan;
  const guchar *p = data;
  const guchar *end = data + length;
  guint64 base = s->offset;
  guint state = s->state;

  while (p < end)
    {
      const guint8 *stop;
      guchar c;

      if (G_UNLIKELY (s->need > 0))
        goto slow;

      stop = scan_stop[state];
      if (G_LIKELY (!stop[*p]))
        {
          const guchar *start = p;

          if (state == SCAN_TEXT || state == SCAN_SQUOTE || state == SCAN_DQUOTE)
            p = skip_plain (p, end, state == SCAN_TEXT ? '<' : state == SCAN_SQUOTE ? '\'' : '"');
          while (end - p >= 4 && !(stop[p[0]] | stop[p[1]] | stop[p[2]] | stop[p[3]]))
            p += 4;
          while (p < end && !stop[*p])
            p++;
          if (state == SCAN_CDATA && p != start)
            s->rsqb = 0;
          continue;
        }

      /* The frequent transitions of markup, inline. */
      c = *p;
      switch (state)
        {
        case SCAN_TEXT:
          if (c == '<')
            {
              state = SCAN_LT;
              p++;
              continue;
            }
          break;

        case SCAN_LT:
          if (g_ascii_isalpha (c))
            {
              state = SCAN_START_TAG;
              s->tag_attributes = 0;
              p++;
              continue;
            }
          if (c == '/')
            {
              state = SCAN_END_TAG;
              p++;
              continue;
            }
          break;

        case SCAN_START_TAG:
          if (c == '=' && s->tag_attributes < self->max_attributes)
            {
              s->tag_attributes++;
              p++;
              continue;
            }
          if (c == '\'' || c == '"' || c == '>')
            {
              state = c == '>' ? SCAN_TEXT : c == '"' ? SCAN_DQUOTE : SCAN_SQUOTE;
              p++;
              continue;
            }
          break;

        case SCAN_SQUOTE:
        case SCAN_DQUOTE:
          if (c == '\'' || c == '"')
            {
              state = SCAN_START_TAG;
              p++;
              continue;
            }
          break;

        case SCAN_END_TAG:
          if (c == '>')
            {
              state = SCAN_TEXT;
              p++;
              continue;
            }
          break;

        default:
          break;
        }

      if (c >= 0x80 && state != SCAN_BANG && state != SCAN_DECL && (p != data || base != 0))
        {
          gsize n = utf8_sequence (p, end);

          if (G_LIKELY (n > 0))
            {
              if (state == SCAN_LT)
                {
                  state = SCAN_START_TAG;
                  s->tag_attributes = 0;
                }
              else if (state == SCAN_CDATA)
                s->rsqb = 0;
              p += n;
              continue;
            }
        }

    slow:
      /* Everything else, one byte at a time through the state machine. */
      s->state = state;
      s->offset = base + (p - data);
      c = *p;
      if (s->need > 0)
        {
          if ((c & 0xc0) != 0x80)
            scan_fail (self, XMPP_STREAM_ERROR_NOT_WELL_FORMED, "Truncated UTF-8 sequence");
          else
            {
              s->cp = (s->cp << 6) | (c & 0x3f);
              if (--s->need == 0)
                scan_multibyte_end (self);
            }
        }
      else
        {
          switch (byte_class[c])
            {
            case K_CTRL:
              if (c == 0 && s->offset < 4)
                scan_fail (self, XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING,
                           "The stream is not UTF-8 (UTF-16 or UCS-4?)");
              else
                scan_fail (self, XMPP_STREAM_ERROR_NOT_WELL_FORMED,
                           "Control character 0x%02x is not allowed in XML", c);
              break;

            case K_HIGH:
              if (s->state == SCAN_LT)
                {
                  s->state = SCAN_START_TAG;
                  s->tag_attributes = 0;
                }
              else if (s->state == SCAN_BANG || s->state == SCAN_DECL)
                {
                  scan_fail (self, XMPP_STREAM_ERROR_NOT_WELL_FORMED, "Non-ASCII byte in markup");
                  break;
                }
              else if (s->state == SCAN_CDATA)
                s->rsqb = 0;
              scan_multibyte_start (self, c);
              break;

            default:
              if (!scan_byte (self, c))
                {
                  state = s->state;
                  continue;
                }
              break;
            }
        }
      state = s->state;

      if (self->scan_error != NULL)
        break;
      p++;
    }

  s->state = state;
  s->offset = base + (p - data);
  return p - data;
}

static void
xmpp_reader_finalize (GObject *object)
{
  XmppReader *self = XMPP_READER (object);

  clear_stream (self);
  g_clear_pointer (&self->frames, g_free);
  g_clear_pointer (&self->names, g_free);
  g_clear_pointer (&self->attr_names, g_free);
  g_clear_pointer (&self->pending, g_free);
  g_clear_pointer (&self->text, g_free);
  if (self->destroy != NULL)
    self->destroy (self->user_data);

  G_OBJECT_CLASS (xmpp_reader_parent_class)->finalize (object);
}

static void
xmpp_reader_class_init (XmppReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = xmpp_reader_finalize;

  init_scan_tables ();
  xmlInitParser ();
}

static void
xmpp_reader_init (XmppReader *self)
{
  self->max_stanza_bytes = XMPP_READER_DEFAULT_MAX_STANZA_BYTES;
  self->max_depth = XMPP_READER_DEFAULT_MAX_DEPTH;
  self->max_attributes = XMPP_READER_DEFAULT_MAX_ATTRIBUTES;
  self->frames = g_new0 (Frame, self->max_depth + 1);
  self->names_mask = 255;
  self->names = g_new0 (NameEntry, self->names_mask + 1);
  self->attr_names = g_new (PendingName, 3 * self->max_attributes);
  start_parser (self);
}

/**
 * xmpp_reader_new:
 * @callbacks: what to call; copied
 * @user_data: passed to the callbacks
 * @destroy: (nullable): frees @user_data with the reader
 *
 * Creates a reader ready for the first stream header.
 *
 * Returns: (transfer full): a new reader
 */
XmppReader *
xmpp_reader_new (const XmppReaderCallbacks *callbacks,
                 gpointer                   user_data,
                 GDestroyNotify             destroy)
{
  XmppReader *self;

  g_return_val_if_fail (callbacks != NULL, NULL);

  self = g_object_new (XMPP_TYPE_READER, NULL);
  self->callbacks = *callbacks;
  self->user_data = user_data;
  self->destroy = destroy;

  return self;
}

static void
reader_reset_now (XmppReader *self)
{
  clear_stream (self);
  start_parser (self);
}

/**
 * xmpp_reader_feed:
 * @self: a reader
 * @data: (array length=length): bytes from the stream
 * @length: how many
 * @error: return location for a %XMPP_STREAM_ERROR
 *
 * Parses the next bytes of the stream, calling the callbacks as elements
 * complete.  Chunks may split the stream anywhere, even inside a UTF-8
 * character.
 *
 * After a fault the reader fails every call with the same error until
 * xmpp_reader_reset().  If a callback resets the reader, the rest of @data
 * is discarded (as RFC 6120 §5.4.3.3 wants after `<proceed/>`).
 *
 * Returns: %FALSE if the stream is broken; the error's code is the stream
 *   error condition to send before closing
 */
gboolean
xmpp_reader_feed (XmppReader  *self,
                  const char  *data,
                  gsize        length,
                  GError     **error)
{
  gboolean ok;

  g_return_val_if_fail (XMPP_IS_READER (self), FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  g_return_val_if_fail (!self->in_feed, FALSE);

  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return FALSE;
    }

  g_object_ref (self);
  self->in_feed = TRUE;

  while (length > 0)
    {
      guint64 pending = self->fed > self->mark ? self->fed - self->mark : 0;
      gsize left;
      gsize piece;
      gsize accepted;

      /* Never give libxml2 more than one byte beyond the stanza limit, so
       * an endless stanza is cut off without being buffered.
       */
      if (pending > self->max_stanza_bytes)
        {
          reader_fail (self, XMPP_STREAM_ERROR_POLICY_VIOLATION,
                       "A stanza is larger than %" G_GSIZE_FORMAT " bytes",
                       self->max_stanza_bytes);
          break;
        }
      left = self->max_stanza_bytes - pending;
      piece = left < length ? left + 1 : length;

      accepted = scan (self, (const guchar *) data, piece);
      if (accepted > 0)
        {
          int status = xmlParseChunk (self->ctxt, data, accepted, 0);

          self->fed += accepted;
          if (self->reset_requested)
            {
              g_debug ("XML stream reset: %" G_GSIZE_FORMAT " bytes discarded",
                       length - accepted);
              reader_reset_now (self);
              break;
            }
          if (status != XML_ERR_OK && self->error == NULL)
            reader_fail (self, XMPP_STREAM_ERROR_NOT_WELL_FORMED,
                         "XML parser error %d", status);
        }
      if (self->error != NULL)
        break;
      if (self->scan_error != NULL)
        {
          self->error = g_steal_pointer (&self->scan_error);
          g_debug ("XML stream error <%s/>: %s",
                   xmpp_stream_error_to_condition (self->error->code), self->error->message);
          break;
        }

      data += piece;
      length -= piece;
    }

  if (self->error == NULL && self->fed > self->mark &&
      self->fed - self->mark > self->max_stanza_bytes)
    reader_fail (self, XMPP_STREAM_ERROR_POLICY_VIOLATION,
                 "A stanza is larger than %" G_GSIZE_FORMAT " bytes", self->max_stanza_bytes);

  self->in_feed = FALSE;
  ok = self->error == NULL;
  if (!ok)
    g_propagate_error (error, g_error_copy (self->error));
  g_object_unref (self);

  return ok;
}

/**
 * xmpp_reader_reset:
 * @self: a reader
 *
 * Starts over with a fresh parser, for the stream restarts after STARTTLS
 * and SASL (RFC 6120 §5.4.3.3, §6.4.6) or after an error.  Anything
 * buffered is discarded; called from a callback, the rest of the data
 * being fed is discarded too.
 */
void
xmpp_reader_reset (XmppReader *self)
{
  g_return_if_fail (XMPP_IS_READER (self));

  if (self->in_feed)
    {
      self->reset_requested = TRUE;
      if (self->ctxt->instate != XML_PARSER_EOF)
        xmlStopParser (self->ctxt);
      return;
    }
  reader_reset_now (self);
}

/**
 * xmpp_reader_get_stream_namespace:
 * @self: a reader
 *
 * Returns: (nullable): the default namespace the stream header declared
 *   (`"jabber:client"`), interned; %NULL before the header
 */
const char *
xmpp_reader_get_stream_namespace (XmppReader *self)
{
  g_return_val_if_fail (XMPP_IS_READER (self), NULL);

  return self->stream_xmlns;
}

/**
 * xmpp_reader_get_bytes_fed:
 * @self: a reader
 *
 * Returns: how many bytes passed the checks since the last reset
 */
guint64
xmpp_reader_get_bytes_fed (XmppReader *self)
{
  g_return_val_if_fail (XMPP_IS_READER (self), 0);

  return self->fed;
}

/**
 * xmpp_reader_get_max_stanza_bytes:
 * @self: a reader
 *
 * Returns: the stanza size limit in bytes
 */
gsize
xmpp_reader_get_max_stanza_bytes (XmppReader *self)
{
  g_return_val_if_fail (XMPP_IS_READER (self), 0);

  return self->max_stanza_bytes;
}

/**
 * xmpp_reader_set_max_stanza_bytes:
 * @self: a reader
 * @max_bytes: the largest stanza accepted, in bytes, from its start tag to
 *   its end tag (the stream header counts as a stanza)
 *
 * Sets the stanza size limit (default
 * %XMPP_READER_DEFAULT_MAX_STANZA_BYTES); a larger stanza fails with
 * %XMPP_STREAM_ERROR_POLICY_VIOLATION as soon as it has grown past it.
 */
void
xmpp_reader_set_max_stanza_bytes (XmppReader *self,
                                  gsize       max_bytes)
{
  g_return_if_fail (XMPP_IS_READER (self));
  g_return_if_fail (max_bytes > 0);

  self->max_stanza_bytes = max_bytes;
}

/**
 * xmpp_reader_get_max_depth:
 * @self: a reader
 *
 * Returns: the nesting limit inside a stanza
 */
guint
xmpp_reader_get_max_depth (XmppReader *self)
{
  g_return_val_if_fail (XMPP_IS_READER (self), 0);

  return self->max_depth;
}

/**
 * xmpp_reader_set_max_depth:
 * @self: a reader
 * @max_depth: how many levels of elements a stanza may have, the stanza
 *   element itself being level 1
 *
 * Sets the nesting limit (default %XMPP_READER_DEFAULT_MAX_DEPTH).  It can
 * change only between stanzas.
 */
void
xmpp_reader_set_max_depth (XmppReader *self,
                           guint       max_depth)
{
  g_return_if_fail (XMPP_IS_READER (self));
  g_return_if_fail (max_depth > 0 && max_depth < 4096);
  g_return_if_fail (self->depth <= 1);

  self->frames = g_renew (Frame, self->frames, max_depth + 1);
  for (guint i = 0; i <= max_depth; i++)
    self->frames[i] = (Frame) { NULL, 0, 0 };
  self->max_depth = max_depth;
}

/**
 * xmpp_reader_get_max_attributes:
 * @self: a reader
 *
 * Returns: the attribute limit per start tag
 */
guint
xmpp_reader_get_max_attributes (XmppReader *self)
{
  g_return_val_if_fail (XMPP_IS_READER (self), 0);

  return self->max_attributes;
}

/**
 * xmpp_reader_set_max_attributes:
 * @self: a reader
 * @max_attributes: how many attributes, namespace declarations included, a
 *   start tag may have
 *
 * Sets the attribute limit (default %XMPP_READER_DEFAULT_MAX_ATTRIBUTES).
 */
void
xmpp_reader_set_max_attributes (XmppReader *self,
                                guint       max_attributes)
{
  g_return_if_fail (XMPP_IS_READER (self));
  g_return_if_fail (max_attributes > 0 && max_attributes <= 65536);

  self->attr_names = g_renew (PendingName, self->attr_names, 3 * max_attributes);
  self->max_attributes = max_attributes;
}
