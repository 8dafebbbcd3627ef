/* fuzz-reader.c: the stream reader on arbitrary bytes in arbitrary chunks
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The first byte chooses how the rest is cut into chunks (0: one chunk,
 * n: pseudo-random sizes from 1 to n) and, with its top bit, tight limits
 * so that the limit paths are fuzzed too.  Every stanza the reader hands
 * on is serialised, parsed again inside a synthetic stream and must come
 * back as the same tree and the same XML.  A stanza named <proceed/>
 * resets the reader from inside its callback, as STARTTLS does.
 */
#include "config.h"

#include <stdint.h>

#include "xmpp/xmpp.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

#define SYNTHETIC_OPEN "<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>"

static void
collect_cb (XmppReader *reader,
            XmppNode   *stanza,
            gpointer    user_data)
{
  g_ptr_array_add (user_data, xmpp_node_ref (stanza));
}

static void
check_round_trip (XmppNode *stanza)
{
  static const XmppReaderCallbacks callbacks = { NULL, collect_cb, NULL };
  g_autoptr(GPtrArray) again = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_node_unref);
  g_autoptr(GString) xml = g_string_new (SYNTHETIC_OPEN);
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppReader) reader = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  xmpp_node_write (stanza, xml, NULL);
  first = g_strdup (xml->str + strlen (SYNTHETIC_OPEN));

  /* Escaping and the namespace declarations that prefixed attributes
   * bring along may make the copy larger than the original.
   */
  reader = xmpp_reader_new (&callbacks, again, NULL);
  xmpp_reader_set_max_stanza_bytes (reader, 64 * 1024 * 1024);
  xmpp_reader_set_max_attributes (reader, 4096);
  if (!xmpp_reader_feed (reader, xml->str, xml->len, &error))
    g_error ("serialised stanza does not parse (%s): %s", error->message, first);
  g_assert_cmpuint (again->len, ==, 1);
  if (!xmpp_node_equal (stanza, g_ptr_array_index (again, 0)))
    g_error ("serialised stanza parses differently: %s", first);

  second = xmpp_node_to_string (g_ptr_array_index (again, 0));
  g_assert_cmpstr (first, ==, second);
}

static void
stanza_cb (XmppReader *reader,
           XmppNode   *stanza,
           gpointer    user_data)
{
  check_round_trip (stanza);
  if (xmpp_node_is (stanza, "proceed", NULL))
    xmpp_reader_reset (reader);
}

static void
stream_opened_cb (XmppReader *reader,
                  XmppNode   *header,
                  gpointer    user_data)
{
  g_autofree char *xml = xmpp_node_to_string (header);

  g_assert_nonnull (xml);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const XmppReaderCallbacks callbacks = { stream_opened_cb, stanza_cb, NULL };
  g_autoptr(XmppReader) reader = NULL;
  guint32 state;
  guint8 mode;
  guint max_chunk;

  if (size == 0)
    return 0;
  mode = data[0];
  data++;
  size--;

  reader = xmpp_reader_new (&callbacks, NULL, NULL);
  if (mode & 0x80)
    {
      xmpp_reader_set_max_stanza_bytes (reader, 512);
      xmpp_reader_set_max_depth (reader, 4);
      xmpp_reader_set_max_attributes (reader, 8);
    }
  max_chunk = mode & 0x7f;
  state = 0x9e3779b9u ^ (guint32) size ^ mode;

  while (size > 0)
    {
      g_autoptr(GError) error = NULL;
      gsize chunk = size;

      if (max_chunk > 0)
        {
          /* xorshift32: a fixed sequence for each input. */
          state ^= state << 13;
          state ^= state >> 17;
          state ^= state << 5;
          chunk = MIN (size, 1 + state % max_chunk);
        }
      if (!xmpp_reader_feed (reader, (const char *) data, chunk, &error))
        {
          g_assert_true (error != NULL && error->domain == XMPP_STREAM_ERROR);
          break;
        }
      data += chunk;
      size -= chunk;
    }

  return 0;
}
