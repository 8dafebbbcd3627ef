/* natter-linkify.c: other people's text as label markup with clickable links
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A message body is shown as the text it is: everything is escaped, and
 * the only markup added is <a href> around what looks like a link
 * (http, https, xmpp, mailto, geo), so `<b>` or `&amp;` in a message
 * appear literally.  Closing punctuation that ends a sentence is not part
 * of the link, unless the link opened the bracket itself, as Wikipedia
 * addresses do.
 */
#include "config.h"

#include "natter-linkify.h"

#include <string.h>

static GRegex *
link_regex (void)
{
  static GRegex *regex;
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      regex = g_regex_new ("\\b(?:(?:https?|ftp)://|xmpp:|mailto:|geo:)[^\\s<>\"]+",
                           G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&initialized, 1);
    }
  return regex;
}

/* How many bytes of the match at @start (@length bytes) belong to the
 * link: trailing sentence punctuation and unbalanced closing brackets are
 * left out. */
static gsize
trim_link (const char *start,
           gsize       length)
{
  while (length > 0)
    {
      char last = start[length - 1];

      if (strchr (".,;:!?'", last) != NULL)
        length--;
      else if (last == ')' || last == ']')
        {
          char open = last == ')' ? '(' : '[';
          int depth = 0;

          for (gsize i = 0; i < length; i++)
            depth += start[i] == open ? 1 : start[i] == last ? -1 : 0;
          if (depth >= 0)
            break;
          length--;
        }
      else
        break;
    }
  return length;
}

static void
append_escaped (GString    *markup,
                const char *text,
                gssize      length)
{
  g_autofree char *escaped = g_markup_escape_text (text, length);

  g_string_append (markup, escaped);
}

/**
 * natter_linkify:
 * @text: plain text, e.g. a message body
 *
 * Returns: (transfer full): Pango markup that shows @text literally, with
 *   its links clickable
 */
char *
natter_linkify (const char *text)
{
  g_autofree char *valid = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  GString *markup;
  const char *done;

  g_return_val_if_fail (text != NULL, NULL);

  valid = g_utf8_make_valid (text, -1);
  markup = g_string_sized_new (strlen (valid) + 16);
  done = valid;
  g_regex_match (link_regex (), valid, 0, &match);
  while (g_match_info_matches (match))
    {
      int start, end;
      gsize length;

      g_match_info_fetch_pos (match, 0, &start, &end);
      length = trim_link (valid + start, end - start);
      if (valid + start >= done && length > 0)
        {
          g_autofree char *href = g_markup_escape_text (valid + start, length);

          append_escaped (markup, done, valid + start - done);
          g_string_append_printf (markup, "<a href=\"%s\">%s</a>", href, href);
          done = valid + start + length;
        }
      g_match_info_next (match, NULL);
    }
  append_escaped (markup, done, -1);
  return g_string_free (markup, FALSE);
}
