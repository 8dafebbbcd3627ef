/* xmpp-jid.c: XMPP addresses, parsed and prepared per RFC 7622
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "xmpp-jid.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "xmpp-error.h"

/*
 * Every security decision compares prepared JIDs (SECURITY.md #26), so a
 * JID is prepared once, when it is made, and compared as a string after.
 *
 * GLib has Unicode general categories, scripts, combining classes, simple
 * case mappings and normalisation, but none of the derived properties PRECIS
 * (RFC 8264) and IDNA2008 (RFC 5892) are defined by.  What this file derives
 * from what GLib offers, and where it had to approximate:
 *
 * - Case mapping (localpart, domainpart) is per code point with
 *   g_unichar_tolower ().  RFC 8265 asks for toLowerCase, not case folding:
 *   g_utf8_casefold () would fold "ß" to "ss" and "ς" to "σ", which RFC 7622
 *   §3.5 lists as distinct addresses.  g_utf8_strdown () is no better: it
 *   depends on the locale (Turkish dotless i) and maps a lone "Σ" to the
 *   final "ς", where RFC 7622 §3.5 expects "σ".
 * - Width mapping covers U+3000 and U+FF01–U+FF9F (fullwidth ASCII and the
 *   halfwidth katakana and CJK punctuation).  The remaining halfwidth forms
 *   (Hangul, symbols) are left as they are: both they and their narrow
 *   targets are disallowed wherever width mapping applies.
 * - HasCompat is exact (NFKC of the code point alone differs from it).
 * - Default_Ignorable_Code_Point and the Hangul jamo ranges are listed below
 *   from Unicode 15; "unassigned" is whatever the running GLib says.
 * - CONTEXTJ: ZWJ and ZWNJ are accepted only after a virama.  The ZWNJ rule
 *   based on Arabic joining types cannot be checked without joining data,
 *   so such ZWNJs are rejected.
 * - The Bidi Rule (RFC 5893), for localparts and domain labels, uses a bidi
 *   class guessed from the script and general category, as GLib has no
 *   Bidi_Class: letters of right-to-left scripts are R, the Arabic-Indic
 *   digits AN, ASCII and extended Arabic-Indic digits EN, marks NSM, other
 *   letters and digits L, everything else neutral.  Explicit bidi controls
 *   are default-ignorable and so rejected in every part.
 * - IDNA2008's Unstable and the precise PVALID set are approximated with the
 *   IdentifierClass rules; ASCII in a domain label is letters, digits and
 *   hyphens only.  A-labels must round-trip: decoding and encoding again
 *   gives the same label, so a fake A-label cannot alias an ASCII name.
 */

#define PART_MAX 1023
#define LABEL_MAX 63
#define ACE_PREFIX "xn--"
#define ACE_PREFIX_LEN 4

/* Preparation never shrinks a part by more than a factor of three
 * (fullwidth forms, Hangul jamo, label separators), so anything longer than
 * this is refused before any work is done on it. */
#define RAW_PART_MAX (4 * PART_MAX)

/* RFC 8264 §7: a profile is applied until the string stops changing; a
 * string that does not settle after this many rounds is refused. */
#define MAX_ROUNDS 4

struct _XmppJid
{
  gatomicrefcount  ref_count;
  guint            hash;
  char            *localpart;
  char            *domainpart;
  char            *resourcepart;
  char            *full;
  char            *bare;  /* == full when there is no resourcepart */
};

G_DEFINE_BOXED_TYPE (XmppJid, xmpp_jid, xmpp_jid_ref, xmpp_jid_unref)

typedef enum {
  PART_LOCAL,
  PART_DOMAIN,
  PART_RESOURCE,
} JidPart;

typedef enum {
  MAP_WIDTH = 1 << 0,
  MAP_LOWER = 1 << 1,
  MAP_SPACES = 1 << 2,
  MAP_DOTS = 1 << 3,
} MapFlags;

/* The derived property values of RFC 8264 §8, folded for our two classes:
 * FREE_PVAL is valid in FreeformClass and disallowed in IdentifierClass. */
typedef enum {
  CP_PVALID,
  CP_FREE_PVAL,
  CP_CONTEXTJ,
  CP_CONTEXTO,
  CP_DISALLOWED,
} CodePointClass;

typedef enum {
  BIDI_L,
  BIDI_R,
  BIDI_AN,
  BIDI_EN,
  BIDI_NSM,
  BIDI_NEUTRAL,
} BidiClass;

typedef struct {
  gunichar       first;
  gunichar       last;
  CodePointClass cls;
} CodePointRange;

/* RFC 5892 §2.6, the Exceptions (F). */
static const CodePointRange exceptions[] = {
  { 0x00B7, 0x00B7, CP_CONTEXTO },
  { 0x00DF, 0x00DF, CP_PVALID },
  { 0x0375, 0x0375, CP_CONTEXTO },
  { 0x03C2, 0x03C2, CP_PVALID },
  { 0x05F3, 0x05F4, CP_CONTEXTO },
  { 0x0640, 0x0640, CP_DISALLOWED },
  { 0x0660, 0x0669, CP_CONTEXTO },
  { 0x06F0, 0x06F9, CP_CONTEXTO },
  { 0x06FD, 0x06FE, CP_PVALID },
  { 0x07FA, 0x07FA, CP_DISALLOWED },
  { 0x0F0B, 0x0F0B, CP_PVALID },
  { 0x3007, 0x3007, CP_PVALID },
  { 0x302E, 0x302F, CP_DISALLOWED },
  { 0x3031, 0x3035, CP_DISALLOWED },
  { 0x303B, 0x303B, CP_DISALLOWED },
  { 0x30FB, 0x30FB, CP_CONTEXTO },
};

/* Default_Ignorable_Code_Point, Unicode 15 DerivedCoreProperties.txt.  It
 * holds the bidi controls U+200E, U+200F, U+202A–U+202E and U+2066–U+2069. */
static const CodePointRange ignorables[] = {
  { 0x00AD, 0x00AD, CP_DISALLOWED },
  { 0x034F, 0x034F, CP_DISALLOWED },
  { 0x061C, 0x061C, CP_DISALLOWED },
  { 0x115F, 0x1160, CP_DISALLOWED },
  { 0x17B4, 0x17B5, CP_DISALLOWED },
  { 0x180B, 0x180F, CP_DISALLOWED },
  { 0x200B, 0x200F, CP_DISALLOWED },
  { 0x202A, 0x202E, CP_DISALLOWED },
  { 0x2060, 0x206F, CP_DISALLOWED },
  { 0x3164, 0x3164, CP_DISALLOWED },
  { 0xFE00, 0xFE0F, CP_DISALLOWED },
  { 0xFEFF, 0xFEFF, CP_DISALLOWED },
  { 0xFFA0, 0xFFA0, CP_DISALLOWED },
  { 0xFFF0, 0xFFF8, CP_DISALLOWED },
  { 0x1BCA0, 0x1BCA3, CP_DISALLOWED },
  { 0x1D173, 0x1D17A, CP_DISALLOWED },
  { 0xE0000, 0xE0FFF, CP_DISALLOWED },
};

/* Conjoining jamo (Hangul_Syllable_Type L, V, T), RFC 8264 §9.9. */
static const CodePointRange old_hangul_jamo[] = {
  { 0x1100, 0x11FF, CP_DISALLOWED },
  { 0xA960, 0xA97C, CP_DISALLOWED },
  { 0xD7B0, 0xD7C6, CP_DISALLOWED },
  { 0xD7CB, 0xD7FB, CP_DISALLOWED },
};

static const CodePointRange *
find_range (const CodePointRange *ranges,
            gsize                 n_ranges,
            gunichar              c)
{
  for (gsize i = 0; i < n_ranges; i++)
    {
      if (c >= ranges[i].first && c <= ranges[i].last)
        return &ranges[i];
    }
  return NULL;
}

static gboolean
has_compat (gunichar c)
{
  g_autofree char *nfkc = NULL;
  char buf[8];
  gsize len;

  if (c < 0x80)
    return FALSE;
  len = g_unichar_to_utf8 (c, buf);
  nfkc = g_utf8_normalize (buf, len, G_NORMALIZE_NFKC);
  return nfkc == NULL || strlen (nfkc) != len || memcmp (nfkc, buf, len) != 0;
}

/* RFC 8264 §8, in its order. */
static CodePointClass
classify (gunichar c)
{
  const CodePointRange *exception;

  exception = find_range (exceptions, G_N_ELEMENTS (exceptions), c);
  if (exception != NULL)
    return exception->cls;
  /* Unassigned includes the noncharacters, which are Cn. */
  if (g_unichar_type (c) == G_UNICODE_UNASSIGNED)
    return CP_DISALLOWED;
  if (c >= 0x21 && c <= 0x7E)
    return CP_PVALID;
  if (c == 0x200C || c == 0x200D)
    return CP_CONTEXTJ;
  if (find_range (old_hangul_jamo, G_N_ELEMENTS (old_hangul_jamo), c) != NULL ||
      find_range (ignorables, G_N_ELEMENTS (ignorables), c) != NULL)
    return CP_DISALLOWED;
  if (g_unichar_type (c) == G_UNICODE_CONTROL)
    return CP_DISALLOWED;
  if (has_compat (c))
    return CP_FREE_PVAL;

  switch (g_unichar_type (c))
    {
    case G_UNICODE_LOWERCASE_LETTER:
    case G_UNICODE_UPPERCASE_LETTER:
    case G_UNICODE_OTHER_LETTER:
    case G_UNICODE_DECIMAL_NUMBER:
    case G_UNICODE_MODIFIER_LETTER:
    case G_UNICODE_NON_SPACING_MARK:
    case G_UNICODE_SPACING_MARK:
      return CP_PVALID;

    case G_UNICODE_TITLECASE_LETTER:
    case G_UNICODE_LETTER_NUMBER:
    case G_UNICODE_OTHER_NUMBER:
    case G_UNICODE_ENCLOSING_MARK:
    case G_UNICODE_SPACE_SEPARATOR:
    case G_UNICODE_MATH_SYMBOL:
    case G_UNICODE_CURRENCY_SYMBOL:
    case G_UNICODE_MODIFIER_SYMBOL:
    case G_UNICODE_OTHER_SYMBOL:
    case G_UNICODE_CONNECT_PUNCTUATION:
    case G_UNICODE_DASH_PUNCTUATION:
    case G_UNICODE_OPEN_PUNCTUATION:
    case G_UNICODE_CLOSE_PUNCTUATION:
    case G_UNICODE_INITIAL_PUNCTUATION:
    case G_UNICODE_FINAL_PUNCTUATION:
    case G_UNICODE_OTHER_PUNCTUATION:
      return CP_FREE_PVAL;

    default:
      /* Cf, Co, Cs, Zl, Zp. */
      return CP_DISALLOWED;
    }
}

/* The contextual rules of RFC 5892 Appendix A for the code point at @i. */
static gboolean
context_allows (const gunichar *cps,
                glong           n,
                glong           i)
{
  gunichar c = cps[i];
  gunichar before = i > 0 ? cps[i - 1] : 0;
  gunichar after = i + 1 < n ? cps[i + 1] : 0;

  switch (c)
    {
    case 0x200C:
    case 0x200D:
      /* A.1, A.2: after a virama (canonical combining class 9). */
      return i > 0 && g_unichar_combining_class (before) == 9;

    case 0x00B7:
      /* A.3: the Catalan "l·l". */
      return before == 'l' && after == 'l';

    case 0x0375:
      /* A.4: the Greek keraia is followed by Greek. */
      return i + 1 < n && g_unichar_get_script (after) == G_UNICODE_SCRIPT_GREEK;

    case 0x05F3:
    case 0x05F4:
      /* A.5, A.6: geresh and gershayim follow Hebrew. */
      return i > 0 && g_unichar_get_script (before) == G_UNICODE_SCRIPT_HEBREW;

    case 0x30FB:
      /* A.7: the katakana middle dot needs some Japanese around it. */
      for (glong j = 0; j < n; j++)
        {
          GUnicodeScript script = g_unichar_get_script (cps[j]);

          if (j != i && (script == G_UNICODE_SCRIPT_HIRAGANA ||
                         script == G_UNICODE_SCRIPT_KATAKANA ||
                         script == G_UNICODE_SCRIPT_HAN))
            return TRUE;
        }
      return FALSE;

    default:
      break;
    }

  /* A.8, A.9: the two sets of Arabic-Indic digits do not mix. */
  if (c >= 0x0660 && c <= 0x0669)
    {
      for (glong j = 0; j < n; j++)
        {
          if (cps[j] >= 0x06F0 && cps[j] <= 0x06F9)
            return FALSE;
        }
      return TRUE;
    }
  if (c >= 0x06F0 && c <= 0x06F9)
    {
      for (glong j = 0; j < n; j++)
        {
          if (cps[j] >= 0x0660 && cps[j] <= 0x0669)
            return FALSE;
        }
      return TRUE;
    }

  return FALSE;
}

static gboolean
is_rtl_script (GUnicodeScript script)
{
  switch (script)
    {
    case G_UNICODE_SCRIPT_ADLAM:
    case G_UNICODE_SCRIPT_ARABIC:
    case G_UNICODE_SCRIPT_AVESTAN:
    case G_UNICODE_SCRIPT_CHORASMIAN:
    case G_UNICODE_SCRIPT_CYPRIOT:
    case G_UNICODE_SCRIPT_ELYMAIC:
    case G_UNICODE_SCRIPT_HANIFI_ROHINGYA:
    case G_UNICODE_SCRIPT_HATRAN:
    case G_UNICODE_SCRIPT_HEBREW:
    case G_UNICODE_SCRIPT_IMPERIAL_ARAMAIC:
    case G_UNICODE_SCRIPT_INSCRIPTIONAL_PAHLAVI:
    case G_UNICODE_SCRIPT_INSCRIPTIONAL_PARTHIAN:
    case G_UNICODE_SCRIPT_KHAROSHTHI:
    case G_UNICODE_SCRIPT_LYDIAN:
    case G_UNICODE_SCRIPT_MANDAIC:
    case G_UNICODE_SCRIPT_MANICHAEAN:
    case G_UNICODE_SCRIPT_MENDE_KIKAKUI:
    case G_UNICODE_SCRIPT_MEROITIC_CURSIVE:
    case G_UNICODE_SCRIPT_MEROITIC_HIEROGLYPHS:
    case G_UNICODE_SCRIPT_NABATAEAN:
    case G_UNICODE_SCRIPT_NKO:
    case G_UNICODE_SCRIPT_OLD_HUNGARIAN:
    case G_UNICODE_SCRIPT_OLD_NORTH_ARABIAN:
    case G_UNICODE_SCRIPT_OLD_SOGDIAN:
    case G_UNICODE_SCRIPT_OLD_SOUTH_ARABIAN:
    case G_UNICODE_SCRIPT_OLD_TURKIC:
    case G_UNICODE_SCRIPT_OLD_UYGHUR:
    case G_UNICODE_SCRIPT_PALMYRENE:
    case G_UNICODE_SCRIPT_PHOENICIAN:
    case G_UNICODE_SCRIPT_PSALTER_PAHLAVI:
    case G_UNICODE_SCRIPT_SAMARITAN:
    case G_UNICODE_SCRIPT_SOGDIAN:
    case G_UNICODE_SCRIPT_SYRIAC:
    case G_UNICODE_SCRIPT_THAANA:
    case G_UNICODE_SCRIPT_YEZIDI:
      return TRUE;

    default:
      return FALSE;
    }
}

/* An approximation of Bidi_Class; see the comment at the top. */
static BidiClass
bidi_class (gunichar c)
{
  GUnicodeType type = g_unichar_type (c);

  if (type == G_UNICODE_NON_SPACING_MARK || type == G_UNICODE_ENCLOSING_MARK)
    return BIDI_NSM;
  if ((c >= 0x0660 && c <= 0x0669) || c == 0x066B || c == 0x066C)
    return BIDI_AN;
  if ((c >= '0' && c <= '9') || (c >= 0x06F0 && c <= 0x06F9))
    return BIDI_EN;
  if (is_rtl_script (g_unichar_get_script (c)))
    return BIDI_R;
  if (g_unichar_isalpha (c) ||
      type == G_UNICODE_DECIMAL_NUMBER ||
      type == G_UNICODE_SPACING_MARK ||
      type == G_UNICODE_LETTER_NUMBER)
    return BIDI_L;
  return BIDI_NEUTRAL;
}

/* RFC 5893 §2: a label with R, AL or AN is a right-to-left label. */
static gboolean
has_rtl (const gunichar *cps,
         glong           n)
{
  for (glong i = 0; i < n; i++)
    {
      BidiClass cls = bidi_class (cps[i]);

      if (cls == BIDI_R || cls == BIDI_AN)
        return TRUE;
    }
  return FALSE;
}

/* RFC 5893 §2, conditions 1–6. */
static gboolean
bidi_rule_holds (const gunichar *cps,
                 glong           n,
                 gboolean        rtl)
{
  gboolean has_en = FALSE;
  gboolean has_an = FALSE;
  BidiClass last;
  glong end = n - 1;

  if (n == 0 || bidi_class (cps[0]) != (rtl ? BIDI_R : BIDI_L))
    return FALSE;

  for (glong i = 0; i < n; i++)
    {
      BidiClass cls = bidi_class (cps[i]);

      if (rtl ? cls == BIDI_L : (cls == BIDI_R || cls == BIDI_AN))
        return FALSE;
      has_en |= cls == BIDI_EN;
      has_an |= cls == BIDI_AN;
    }

  while (end > 0 && bidi_class (cps[end]) == BIDI_NSM)
    end--;
  last = bidi_class (cps[end]);

  if (rtl)
    return (last == BIDI_R || last == BIDI_EN || last == BIDI_AN) && !(has_en && has_an);
  return last == BIDI_L || last == BIDI_EN;
}

static void
set_empty_error (GError  **error,
                 JidPart   part)
{
  switch (part)
    {
    case PART_LOCAL:
      g_set_error_literal (error, XMPP_ERROR, XMPP_ERROR_INVALID_JID,
                           _("The localpart before “@” is empty"));
      break;

    case PART_DOMAIN:
      g_set_error_literal (error, XMPP_ERROR, XMPP_ERROR_INVALID_JID,
                           _("The domainpart is empty"));
      break;

    case PART_RESOURCE:
    default:
      g_set_error_literal (error, XMPP_ERROR, XMPP_ERROR_INVALID_JID,
                           _("The resourcepart after “/” is empty"));
      break;
    }
}

static void
set_too_long_error (GError  **error,
                    JidPart   part)
{
  switch (part)
    {
    case PART_LOCAL:
      g_set_error (error, XMPP_ERROR, XMPP_ERROR_INVALID_JID,
                   _("The localpart is longer than %d bytes"), PART_MAX);
      break;

    case PART_DOMAIN:
      g_set_error (error, XMPP_ERROR, XMPP_ERROR_INVALID_JID,
                   _("The domainpart is longer than %d bytes"), PART_MAX);
      break;

    case PART_RESOURCE:
    default:
      g_set_error (error, XMPP_ERROR, XMPP_ERROR_INVALID_JID,
                   _("The resourcepart is longer than %d bytes"), PART_MAX);
      break;
    }
}

static void
set_char_error (GError   **error,
                JidPart    part,
                gunichar   c)
{
  switch (part)
    {
    case PART_LOCAL:
      g_set_error (error, XMPP_ERROR, XMPP_ERROR_INVALID_JID,
                   _("The localpart contains the character U+%04X, which is not allowed there"),
                   (guint) c);
      break;

    case PART_DOMAIN:
      g_set_error (error, XMPP_ERROR, XMPP_ERROR_INVALID_JID,
                   _("The domainpart contains the character U+%04X, "
                     "which is not allowed in domain names"),
                   (guint) c);
      break;

    case PART_RESOURCE:
    default:
      g_set_error (error, XMPP_ERROR, XMPP_ERROR_INVALID_JID,
                   _("The resourcepart contains the character U+%04X, which is not allowed there"),
                   (guint) c);
      break;
    }
}

static void
set_unstable_error (GError  **error,
                    JidPart   part)
{
  switch (part)
    {
    case PART_LOCAL:
      g_set_error_literal (error, XMPP_ERROR, XMPP_ERROR_INVALID_JID,
                           _("The localpart cannot be normalised"));
      break;

    case PART_DOMAIN:
      g_set_error_literal (error, XMPP_ERROR, XMPP_ERROR_INVALID_JID,
                           _("The domainpart cannot be normalised"));
      break;

    case PART_RESOURCE:
    default:
      g_set_error_literal (error, XMPP_ERROR, XMPP_ERROR_INVALID_JID,
                           _("The resourcepart cannot be normalised"));
      break;
    }
}

static void
set_domain_error (GError     **error,
                  const char  *message)
{
  g_set_error_literal (error, XMPP_ERROR, XMPP_ERROR_INVALID_JID, message);
}

/* Width mapping of RFC 8265 §3.3.2 and RFC 5895 §2; see the top comment. */
static gboolean
width_map (gunichar  c,
           gunichar *mapped)
{
  if (c == 0x3000)
    {
      *mapped = 0x0020;
      return TRUE;
    }
  if (c >= 0xFF01 && c <= 0xFF5E)
    {
      *mapped = c - 0xFF01 + 0x0021;
      return TRUE;
    }
  if (c >= 0xFF61 && c <= 0xFF9F)
    {
      gunichar decomposed[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];

      if (g_unichar_fully_decompose (c, TRUE, decomposed, G_N_ELEMENTS (decomposed)) == 1)
        {
          *mapped = decomposed[0];
          return TRUE;
        }
    }
  return FALSE;
}

/* One round of the mapping rules, then NFC. */
static char *
map_once (const char *text,
          gsize       len,
          MapFlags    flags)
{
  g_autoptr(GString) out = g_string_sized_new (len + 1);
  const char *end = text + len;

  for (const char *p = text; p < end; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gunichar mapped;

      if ((flags & MAP_WIDTH) != 0 && width_map (c, &mapped))
        c = mapped;
      if ((flags & MAP_LOWER) != 0)
        c = g_unichar_tolower (c);
      if ((flags & MAP_SPACES) != 0 && c != 0x0020 &&
          g_unichar_type (c) == G_UNICODE_SPACE_SEPARATOR)
        c = 0x0020;
      /* RFC 7622 §3.2: the ideographic full stop separates labels too;
       * its fullwidth and halfwidth forms were mapped to it or to '.'. */
      if ((flags & MAP_DOTS) != 0 && c == 0x3002)
        c = '.';
      g_string_append_unichar (out, c);
    }

  return g_utf8_normalize (out->str, out->len, G_NORMALIZE_NFC);
}

/* Applies the mapping rules until the string is stable, so that preparing
 * a prepared string changes nothing (RFC 8264 §7). */
static char *
map_until_stable (const char  *text,
                  gsize        len,
                  MapFlags     flags,
                  JidPart      part,
                  GError     **error)
{
  g_autofree char *current = map_once (text, len, flags);

  for (guint round = 0; current != NULL && round < MAX_ROUNDS; round++)
    {
      g_autofree char *next = map_once (current, strlen (current), flags);

      if (next == NULL)
        break;
      if (strcmp (next, current) == 0)
        return g_steal_pointer (&current);
      g_free (current);
      current = g_steal_pointer (&next);
    }

  set_unstable_error (error, part);
  return NULL;
}

static gboolean
is_localpart_excluded (gunichar c)
{
  /* RFC 7622 §3.3.1. */
  switch (c)
    {
    case '"':
    case '&':
    case '\'':
    case '/':
    case ':':
    case '<':
    case '>':
    case '@':
      return TRUE;

    default:
      return FALSE;
    }
}

static gboolean
is_ldh (gunichar c)
{
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

/* Checks every code point of a prepared part (or of one domain label)
 * against IdentifierClass (localpart, domainpart) or FreeformClass
 * (resourcepart), with the contextual rules. */
static gboolean
check_code_points (const gunichar  *cps,
                   glong            n,
                   JidPart          part,
                   GError         **error)
{
  for (glong i = 0; i < n; i++)
    {
      gunichar c = cps[i];
      gboolean ok;

      switch (classify (c))
        {
        case CP_PVALID:
          ok = TRUE;
          break;

        case CP_FREE_PVAL:
          ok = part == PART_RESOURCE;
          break;

        case CP_CONTEXTJ:
        case CP_CONTEXTO:
          ok = context_allows (cps, n, i);
          break;

        case CP_DISALLOWED:
        default:
          ok = FALSE;
          break;
        }

      if (ok && part == PART_LOCAL && is_localpart_excluded (c))
        ok = FALSE;
      if (ok && part == PART_DOMAIN && c < 0x80 && !is_ldh (c))
        ok = FALSE;

      if (!ok)
        {
          set_char_error (error, part, c);
          return FALSE;
        }
    }

  return TRUE;
}

static char *
prepare_localpart (const char  *raw,
                   gsize        len,
                   GError     **error)
{
  g_autofree char *prepared = NULL;
  g_autofree gunichar *cps = NULL;
  glong n;

  if (len == 0)
    {
      set_empty_error (error, PART_LOCAL);
      return NULL;
    }
  if (len > RAW_PART_MAX)
    {
      set_too_long_error (error, PART_LOCAL);
      return NULL;
    }

  prepared = map_until_stable (raw, len, MAP_WIDTH | MAP_LOWER, PART_LOCAL, error);
  if (prepared == NULL)
    return NULL;
  if (strlen (prepared) > PART_MAX)
    {
      set_too_long_error (error, PART_LOCAL);
      return NULL;
    }

  cps = g_utf8_to_ucs4_fast (prepared, -1, &n);
  if (!check_code_points (cps, n, PART_LOCAL, error))
    return NULL;
  /* RFC 8265 §3.3.2, rule 5. */
  if (has_rtl (cps, n) && !bidi_rule_holds (cps, n, TRUE))
    {
      g_set_error_literal (error, XMPP_ERROR, XMPP_ERROR_INVALID_JID,
                           _("The localpart mixes right-to-left and left-to-right text "
                             "in a way that is not allowed"));
      return NULL;
    }

  return g_steal_pointer (&prepared);
}

static char *
prepare_resourcepart (const char  *raw,
                      gsize        len,
                      GError     **error)
{
  g_autofree char *prepared = NULL;
  g_autofree gunichar *cps = NULL;
  glong n;

  if (len == 0)
    {
      set_empty_error (error, PART_RESOURCE);
      return NULL;
    }
  if (len > RAW_PART_MAX)
    {
      set_too_long_error (error, PART_RESOURCE);
      return NULL;
    }

  /* OpaqueString, RFC 8265 §4.2: no width or case mapping; other space
   * separators become U+0020; NFC; no directionality rule. */
  prepared = map_until_stable (raw, len, MAP_SPACES, PART_RESOURCE, error);
  if (prepared == NULL)
    return NULL;
  if (strlen (prepared) > PART_MAX)
    {
      set_too_long_error (error, PART_RESOURCE);
      return NULL;
    }

  cps = g_utf8_to_ucs4_fast (prepared, -1, &n);
  if (!check_code_points (cps, n, PART_RESOURCE, error))
    return NULL;

  return g_steal_pointer (&prepared);
}

/* RFC 3492 §5. */
enum {
  PUNY_BASE = 36,
  PUNY_TMIN = 1,
  PUNY_TMAX = 26,
  PUNY_SKEW = 38,
  PUNY_DAMP = 700,
  PUNY_INITIAL_BIAS = 72,
  PUNY_INITIAL_N = 0x80,
};

/* RFC 3492 §6.1. */
static guint
puny_adapt (guint    delta,
            guint    n_points,
            gboolean first_time)
{
  guint k = 0;

  delta = first_time ? delta / PUNY_DAMP : delta / 2;
  delta += delta / n_points;
  while (delta > ((PUNY_BASE - PUNY_TMIN) * PUNY_TMAX) / 2)
    {
      delta /= PUNY_BASE - PUNY_TMIN;
      k += PUNY_BASE;
    }
  return k + ((PUNY_BASE - PUNY_TMIN + 1) * delta) / (delta + PUNY_SKEW);
}

static char
puny_digit (guint digit)
{
  g_assert (digit < PUNY_BASE);
  return digit < 26 ? (char) ('a' + digit) : (char) ('0' + digit - 26);
}

/* The Punycode encoder of RFC 3492 §6.3, written from the specification.
 * Appends the encoding of @cps to @out; FALSE on arithmetic overflow. */
static gboolean
puny_encode (const gunichar *cps,
             glong           n_cps,
             GString        *out)
{
  guint n = PUNY_INITIAL_N;
  guint delta = 0;
  guint bias = PUNY_INITIAL_BIAS;
  guint n_basic = 0;
  guint handled;

  for (glong i = 0; i < n_cps; i++)
    {
      if (cps[i] < 0x80)
        {
          g_string_append_c (out, (char) cps[i]);
          n_basic++;
        }
    }
  handled = n_basic;
  if (n_basic > 0)
    g_string_append_c (out, '-');

  while (handled < (guint) n_cps)
    {
      guint m = G_MAXUINT;

      for (glong i = 0; i < n_cps; i++)
        {
          if (cps[i] >= n && cps[i] < m)
            m = cps[i];
        }
      if (m - n > (G_MAXUINT - delta) / (handled + 1))
        return FALSE;
      delta += (m - n) * (handled + 1);
      n = m;

      for (glong i = 0; i < n_cps; i++)
        {
          if (cps[i] < n && ++delta == 0)
            return FALSE;
          if (cps[i] == n)
            {
              guint q = delta;

              for (guint k = PUNY_BASE;; k += PUNY_BASE)
                {
                  guint t;

                  if (k <= bias)
                    t = PUNY_TMIN;
                  else if (k >= bias + PUNY_TMAX)
                    t = PUNY_TMAX;
                  else
                    t = k - bias;
                  if (q < t)
                    break;
                  g_string_append_c (out, puny_digit (t + (q - t) % (PUNY_BASE - t)));
                  q = (q - t) / (PUNY_BASE - t);
                }
              g_string_append_c (out, puny_digit (q));
              bias = puny_adapt (delta, handled + 1, handled == n_basic);
              delta = 0;
              handled++;
            }
        }
      delta++;
      n++;
    }

  return TRUE;
}

/* Validates one label, ASCII or U-label (RFC 5891 §5.4), including the
 * length of its ASCII form, which it stores in @ace if asked to. */
static gboolean
check_label (const char  *label,
             char       **ace,
             GError     **error)
{
  g_autofree gunichar *cps = NULL;
  g_autoptr(GString) encoded = NULL;
  GUnicodeType first_type;
  gboolean ascii = TRUE;
  glong n;

  cps = g_utf8_to_ucs4_fast (label, -1, &n);
  g_assert (n > 0);

  /* RFC 5891 §4.2.3.1. */
  if (cps[0] == '-' || cps[n - 1] == '-')
    {
      set_domain_error (error, _("A label of the domainpart starts or ends with a hyphen"));
      return FALSE;
    }
  if (n >= 4 && cps[2] == '-' && cps[3] == '-')
    {
      set_domain_error (error, _("A label of the domainpart has hyphens "
                                 "in its third and fourth positions"));
      return FALSE;
    }
  /* RFC 5891 §4.2.3.2. */
  first_type = g_unichar_type (cps[0]);
  if (first_type == G_UNICODE_NON_SPACING_MARK ||
      first_type == G_UNICODE_SPACING_MARK ||
      first_type == G_UNICODE_ENCLOSING_MARK)
    {
      set_domain_error (error, _("A label of the domainpart starts with a combining mark"));
      return FALSE;
    }
  /* Every code point takes at least one byte of the ASCII form. */
  if (n > LABEL_MAX)
    goto too_long;
  if (!check_code_points (cps, n, PART_DOMAIN, error))
    return FALSE;

  for (glong i = 0; i < n && ascii; i++)
    ascii = cps[i] < 0x80;
  if (ascii)
    encoded = g_string_new (label);
  else
    {
      encoded = g_string_new (ACE_PREFIX);
      if (!puny_encode (cps, n, encoded))
        goto too_long;
    }
  if (encoded->len > LABEL_MAX)
    goto too_long;

  if (ace != NULL)
    *ace = g_string_free (g_steal_pointer (&encoded), FALSE);
  return TRUE;

too_long:
  g_set_error (error, XMPP_ERROR, XMPP_ERROR_INVALID_JID,
               _("A label of the domainpart is longer than %d bytes in its ASCII form"),
               LABEL_MAX);
  return FALSE;
}

static gboolean
is_ascii (const char *text,
          gsize       len)
{
  for (gsize i = 0; i < len; i++)
    {
      if ((guchar) text[i] >= 0x80)
        return FALSE;
    }
  return TRUE;
}

/* Decodes an A-label, lower case already, into its U-label; the label must
 * be exactly what encoding that U-label gives (RFC 5891 §5.4), so a label
 * such as "xn--abc-" cannot pass for "abc". */
static char *
decode_alabel (const char  *label,
               GError     **error)
{
  g_autofree char *ulabel = NULL;
  g_autofree char *mapped = NULL;
  g_autofree char *ace = NULL;

  ulabel = g_hostname_to_unicode (label);
  if (ulabel == NULL ||
      !g_utf8_validate (ulabel, -1, NULL) ||
      is_ascii (ulabel, strlen (ulabel)))
    goto invalid;

  /* A U-label is lower case and in NFC already. */
  mapped = map_once (ulabel, strlen (ulabel), MAP_WIDTH | MAP_LOWER);
  if (mapped == NULL || strcmp (mapped, ulabel) != 0)
    goto invalid;

  if (!check_label (ulabel, &ace, error))
    return NULL;
  if (strcmp (ace, label) != 0)
    goto invalid;

  return g_steal_pointer (&ulabel);

invalid:
  set_domain_error (error, _("A label of the domainpart is not valid Punycode"));
  return NULL;
}

static char *
prepare_label (const char  *label,
               gsize        len,
               GError     **error)
{
  g_autofree char *copy = NULL;

  if (len == 0)
    {
      set_domain_error (error, _("The domainpart has an empty label"));
      return NULL;
    }

  copy = g_strndup (label, len);
  if (is_ascii (label, len) && g_str_has_prefix (copy, ACE_PREFIX))
    {
      if (len > LABEL_MAX)
        {
          g_set_error (error, XMPP_ERROR, XMPP_ERROR_INVALID_JID,
                       _("A label of the domainpart is longer than %d bytes in its ASCII form"),
                       LABEL_MAX);
          return NULL;
        }
      return decode_alabel (copy, error);
    }

  /* A U-label or an NR-LDH label (RFC 5890 §2.3.1); a reserved R-LDH label
   * other than an A-label fails for its "--". */
  if (!check_label (copy, NULL, error))
    return NULL;
  return g_steal_pointer (&copy);
}

static char *
prepare_ip_literal (const char  *raw,
                    gsize        len,
                    GError     **error)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autofree char *inner = NULL;
  g_autofree char *canonical = NULL;

  /* RFC 3986 IP-literal: IPv6 only; no zone identifier, no IPvFuture. */
  if (len < 3 || raw[len - 1] != ']')
    goto invalid;
  for (gsize i = 1; i < len - 1; i++)
    {
      if (!g_ascii_isxdigit (raw[i]) && raw[i] != ':' && raw[i] != '.')
        goto invalid;
    }

  inner = g_strndup (raw + 1, len - 2);
  address = g_inet_address_new_from_string (inner);
  if (address == NULL || g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV6)
    goto invalid;

  canonical = g_inet_address_to_string (address);
  return g_strdup_printf ("[%s]", canonical);

invalid:
  set_domain_error (error, _("The domainpart is not a valid IPv6 address in brackets"));
  return NULL;
}

static char *
prepare_ipv4 (const char  *domain,
              GError     **error)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (domain);

  if (address == NULL || g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV4)
    {
      set_domain_error (error, _("The domainpart is not a valid IPv4 address"));
      return NULL;
    }
  return g_inet_address_to_string (address);
}

static char *
prepare_domainpart (const char  *raw,
                    gsize        len,
                    GError     **error)
{
  g_autofree char *mapped = NULL;
  g_autoptr(GPtrArray) labels = NULL;
  g_autoptr(GString) out = NULL;
  gboolean bidi_domain = FALSE;
  const char *start;
  gsize mapped_len;

  if (len == 0)
    {
      set_empty_error (error, PART_DOMAIN);
      return NULL;
    }
  if (len > RAW_PART_MAX)
    {
      set_too_long_error (error, PART_DOMAIN);
      return NULL;
    }
  if (raw[0] == '[')
    return prepare_ip_literal (raw, len, error);

  /* RFC 5895 §2: width mapping, lower case, NFC; label separators. */
  mapped = map_until_stable (raw, len, MAP_WIDTH | MAP_LOWER | MAP_DOTS, PART_DOMAIN, error);
  if (mapped == NULL)
    return NULL;

  /* RFC 7622 §3.2: a final dot is stripped before anything else. */
  mapped_len = strlen (mapped);
  if (mapped_len > 0 && mapped[mapped_len - 1] == '.')
    mapped[--mapped_len] = '\0';
  if (mapped_len == 0)
    {
      set_empty_error (error, PART_DOMAIN);
      return NULL;
    }
  if (strspn (mapped, "0123456789.") == mapped_len)
    return prepare_ipv4 (mapped, error);

  labels = g_ptr_array_new_with_free_func (g_free);
  start = mapped;
  for (;;)
    {
      const char *dot = strchr (start, '.');
      gsize label_len = dot != NULL ? (gsize) (dot - start) : strlen (start);
      char *label = prepare_label (start, label_len, error);

      if (label == NULL)
        return NULL;
      g_ptr_array_add (labels, label);
      if (dot == NULL)
        break;
      start = dot + 1;
    }

  /* RFC 5893 §2: once one label is right-to-left, every label obeys. */
  for (guint i = 0; i < labels->len && !bidi_domain; i++)
    {
      g_autofree gunichar *cps = NULL;
      glong n;

      cps = g_utf8_to_ucs4_fast (g_ptr_array_index (labels, i), -1, &n);
      bidi_domain = has_rtl (cps, n);
    }

  out = g_string_sized_new (mapped_len);
  for (guint i = 0; i < labels->len; i++)
    {
      const char *label = g_ptr_array_index (labels, i);

      if (bidi_domain)
        {
          g_autofree gunichar *cps = NULL;
          glong n;

          cps = g_utf8_to_ucs4_fast (label, -1, &n);
          if (!bidi_rule_holds (cps, n, has_rtl (cps, n)))
            {
              set_domain_error (error,
                                _("The domainpart mixes right-to-left and left-to-right text "
                                  "in a way that is not allowed"));
              return NULL;
            }
        }
      if (i > 0)
        g_string_append_c (out, '.');
      g_string_append (out, label);
    }

  if (out->len > PART_MAX)
    {
      set_too_long_error (error, PART_DOMAIN);
      return NULL;
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
check_utf8 (const char  *text,
            GError     **error)
{
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, XMPP_ERROR, XMPP_ERROR_INVALID_JID,
                           _("The address is not valid UTF-8"));
      return FALSE;
    }
  return TRUE;
}

/* Takes ownership of the prepared parts. */
static XmppJid *
jid_new_take (char *localpart,
              char *domainpart,
              char *resourcepart)
{
  XmppJid *self = g_new0 (XmppJid, 1);
  GString *text = g_string_new (NULL);

  g_atomic_ref_count_init (&self->ref_count);
  self->localpart = localpart;
  self->domainpart = domainpart;
  self->resourcepart = resourcepart;

  if (localpart != NULL)
    {
      g_string_append (text, localpart);
      g_string_append_c (text, '@');
    }
  g_string_append (text, domainpart);
  if (resourcepart != NULL)
    {
      self->bare = g_strndup (text->str, text->len);
      g_string_append_c (text, '/');
      g_string_append (text, resourcepart);
    }
  self->full = g_string_free (text, FALSE);
  if (self->bare == NULL)
    self->bare = self->full;
  self->hash = g_str_hash (self->full);

  return self;
}

/**
 * xmpp_jid_new:
 * @text: an address such as `juliet@example.com/balcony`
 * @error: return location for a #GError
 *
 * Parses @text as a JID and prepares each part per RFC 7622: the
 * resourcepart starts at the first `/`, the localpart ends at the first `@`
 * before it.  The localpart and domainpart are mapped to lower case, the
 * domainpart to its Unicode form without a final dot, and every part to
 * NFC.  An address that breaks a rule fails with %XMPP_ERROR_INVALID_JID
 * and a message that says what is wrong.
 *
 * Returns: (transfer full) (nullable): the JID, or %NULL with @error set
 */
XmppJid *
xmpp_jid_new (const char  *text,
              GError     **error)
{
  g_autofree char *localpart = NULL;
  g_autofree char *domainpart = NULL;
  g_autofree char *resourcepart = NULL;
  const char *slash;
  const char *at;
  const char *domain;
  gsize bare_len;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_utf8 (text, error))
    return NULL;
  if (*text == '\0')
    {
      g_set_error_literal (error, XMPP_ERROR, XMPP_ERROR_INVALID_JID,
                           _("The address is empty"));
      return NULL;
    }

  /* RFC 7622 §3.1. */
  slash = strchr (text, '/');
  bare_len = slash != NULL ? (gsize) (slash - text) : strlen (text);
  at = memchr (text, '@', bare_len);
  domain = at != NULL ? at + 1 : text;

  if (at != NULL)
    {
      localpart = prepare_localpart (text, at - text, error);
      if (localpart == NULL)
        return NULL;
    }
  domainpart = prepare_domainpart (domain, bare_len - (domain - text), error);
  if (domainpart == NULL)
    return NULL;
  if (slash != NULL)
    {
      resourcepart = prepare_resourcepart (slash + 1, strlen (slash + 1), error);
      if (resourcepart == NULL)
        return NULL;
    }

  return jid_new_take (g_steal_pointer (&localpart),
                       g_steal_pointer (&domainpart),
                       g_steal_pointer (&resourcepart));
}

/**
 * xmpp_jid_new_from_parts:
 * @localpart: (nullable): the localpart, or %NULL for none
 * @domainpart: the domainpart
 * @resourcepart: (nullable): the resourcepart, or %NULL for none
 * @error: return location for a #GError
 *
 * Makes a JID from its parts, prepared as xmpp_jid_new() prepares them.
 * A part is taken as it is, never split: a `@` or `/` in @localpart or
 * @domainpart is an error, while @resourcepart may hold both.  An empty
 * string is an error; pass %NULL to leave a part out.
 *
 * Returns: (transfer full) (nullable): the JID, or %NULL with @error set
 */
XmppJid *
xmpp_jid_new_from_parts (const char  *localpart,
                         const char  *domainpart,
                         const char  *resourcepart,
                         GError     **error)
{
  g_autofree char *local = NULL;
  g_autofree char *domain = NULL;
  g_autofree char *resource = NULL;

  g_return_val_if_fail (domainpart != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((localpart != NULL && !check_utf8 (localpart, error)) ||
      !check_utf8 (domainpart, error) ||
      (resourcepart != NULL && !check_utf8 (resourcepart, error)))
    return NULL;

  if (localpart != NULL)
    {
      local = prepare_localpart (localpart, strlen (localpart), error);
      if (local == NULL)
        return NULL;
    }
  domain = prepare_domainpart (domainpart, strlen (domainpart), error);
  if (domain == NULL)
    return NULL;
  if (resourcepart != NULL)
    {
      resource = prepare_resourcepart (resourcepart, strlen (resourcepart), error);
      if (resource == NULL)
        return NULL;
    }

  return jid_new_take (g_steal_pointer (&local),
                       g_steal_pointer (&domain),
                       g_steal_pointer (&resource));
}

/**
 * xmpp_jid_ref:
 * @self: a JID
 *
 * Takes a reference; safe from any thread.
 *
 * Returns: (transfer full): @self
 */
XmppJid *
xmpp_jid_ref (XmppJid *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * xmpp_jid_unref:
 * @self: (transfer full): a JID
 *
 * Drops a reference and frees @self with the last one; safe from any thread.
 */
void
xmpp_jid_unref (XmppJid *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  if (self->bare != self->full)
    g_free (self->bare);
  g_free (self->full);
  g_free (self->localpart);
  g_free (self->domainpart);
  g_free (self->resourcepart);
  g_free (self);
}

/**
 * xmpp_jid_get_localpart:
 * @self: a JID
 *
 * Returns: (nullable): the prepared localpart, or %NULL if there is none
 */
const char *
xmpp_jid_get_localpart (XmppJid *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->localpart;
}

/**
 * xmpp_jid_get_domainpart:
 * @self: a JID
 *
 * The domainpart is in its Unicode form (U-labels), lower case and without
 * a final dot, or an IP address, IPv6 in brackets.
 *
 * Returns: the prepared domainpart
 */
const char *
xmpp_jid_get_domainpart (XmppJid *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->domainpart;
}

/**
 * xmpp_jid_get_resourcepart:
 * @self: a JID
 *
 * Returns: (nullable): the prepared resourcepart, or %NULL for a bare JID
 */
const char *
xmpp_jid_get_resourcepart (XmppJid *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->resourcepart;
}

/**
 * xmpp_jid_to_string:
 * @self: a JID
 *
 * The prepared form: two JIDs are equal exactly when these strings are.
 * It is made once, with the JID.
 *
 * Returns: the full JID as a string
 */
const char *
xmpp_jid_to_string (XmppJid *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->full;
}

/**
 * xmpp_jid_to_bare_string:
 * @self: a JID
 *
 * Returns: the prepared JID without its resourcepart
 */
const char *
xmpp_jid_to_bare_string (XmppJid *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->bare;
}

/**
 * xmpp_jid_dup_bare:
 * @self: a JID
 *
 * Returns: (transfer full): the bare JID of @self; @self itself, with a new
 *   reference, if it is bare already
 */
XmppJid *
xmpp_jid_dup_bare (XmppJid *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (self->resourcepart == NULL)
    return xmpp_jid_ref (self);

  return jid_new_take (g_strdup (self->localpart), g_strdup (self->domainpart), NULL);
}

/**
 * xmpp_jid_dup_with_resource:
 * @self: a JID
 * @resourcepart: (nullable): the new resourcepart, or %NULL for the bare JID
 * @error: return location for a #GError
 *
 * Makes the JID with the localpart and domainpart of @self and
 * @resourcepart, prepared as xmpp_jid_new() prepares it.
 *
 * Returns: (transfer full) (nullable): the JID, or %NULL with @error set
 */
XmppJid *
xmpp_jid_dup_with_resource (XmppJid     *self,
                            const char  *resourcepart,
                            GError     **error)
{
  g_autofree char *resource = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (resourcepart == NULL)
    return xmpp_jid_dup_bare (self);

  if (!check_utf8 (resourcepart, error))
    return NULL;
  resource = prepare_resourcepart (resourcepart, strlen (resourcepart), error);
  if (resource == NULL)
    return NULL;
  if (g_strcmp0 (resource, self->resourcepart) == 0)
    return xmpp_jid_ref (self);

  return jid_new_take (g_strdup (self->localpart),
                       g_strdup (self->domainpart),
                       g_steal_pointer (&resource));
}

/**
 * xmpp_jid_is_bare:
 * @self: a JID
 *
 * Returns: %TRUE if @self has no resourcepart
 */
gboolean
xmpp_jid_is_bare (XmppJid *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->resourcepart == NULL;
}

/**
 * xmpp_jid_is_domain:
 * @self: a JID
 *
 * Returns: %TRUE if @self is a domainpart alone, such as a server's address
 */
gboolean
xmpp_jid_is_domain (XmppJid *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->localpart == NULL && self->resourcepart == NULL;
}

/**
 * xmpp_jid_equal:
 * @a: (nullable) (type XmppJid): a JID
 * @b: (nullable) (type XmppJid): another JID
 *
 * Compares the prepared forms, so `ALICE@Example.COM.` equals
 * `alice@example.com`; the resourcepart is compared exactly.  Fits
 * #GEqualFunc, together with xmpp_jid_hash().  %NULL equals only %NULL.
 *
 * Returns: %TRUE if @a and @b are the same JID
 */
gboolean
xmpp_jid_equal (gconstpointer a,
                gconstpointer b)
{
  const XmppJid *jid_a = a;
  const XmppJid *jid_b = b;

  if (jid_a == jid_b)
    return TRUE;
  if (jid_a == NULL || jid_b == NULL)
    return FALSE;

  return jid_a->hash == jid_b->hash && strcmp (jid_a->full, jid_b->full) == 0;
}

/**
 * xmpp_jid_hash:
 * @jid: (nullable) (type XmppJid): a JID
 *
 * A #GHashFunc that agrees with xmpp_jid_equal().
 *
 * Returns: the hash of the prepared form, 0 for %NULL
 */
guint
xmpp_jid_hash (gconstpointer jid)
{
  const XmppJid *self = jid;

  return self != NULL ? self->hash : 0;
}

/**
 * xmpp_jid_equal_bare:
 * @a: (nullable): a JID
 * @b: (nullable): another JID
 *
 * Compares the bare JIDs of @a and @b, ignoring any resourcepart.  This is
 * the comparison for "is this stanza from my own account".  %NULL equals
 * only %NULL.
 *
 * Returns: %TRUE if @a and @b have the same bare JID
 */
gboolean
xmpp_jid_equal_bare (XmppJid *a,
                     XmppJid *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;

  return strcmp (a->bare, b->bare) == 0;
}

/**
 * xmpp_jid_is_valid:
 * @text: (nullable): a string
 *
 * Returns: %TRUE if xmpp_jid_new() would accept @text; %FALSE for %NULL
 */
gboolean
xmpp_jid_is_valid (const char *text)
{
  g_autoptr(XmppJid) jid = NULL;

  if (text == NULL)
    return FALSE;

  jid = xmpp_jid_new (text, NULL);
  return jid != NULL;
}
