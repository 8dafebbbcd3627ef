/* fuzz-pep.c: libFuzzer target for PEP events and fetch answers (XEP-0163, XEP-0060)
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is the inside of a client stream: every <message/> goes
 * through the event parser and the module's handler, every <iq/> through
 * the parser of fetch answers and publish answers.  Whatever the input,
 * nothing crashes; an accepted event comes from a bare JID with a
 * localpart (the own one when there was no 'from'), names a valid node,
 * holds at most XMPP_PEP_MAX_ITEMS valid items and retractions, and is
 * emitted exactly as parsed; a rejected one reaches no handler.
 */
#include "config.h"

#include <glib.h>
#include <stdint.h>
#include <string.h>

#include "xmpp/xmpp.h"
#include "xmpp/xmpp-pep-private.h"
#include "xmpp/xmpp-reader-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

#define OPEN "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
#define OWN "me@natter.test"
#define DEVICELIST "eu.siacs.conversations.axolotl.devicelist"

typedef struct
{
  XmppClient *client;
  XmppPep    *pep;
  XmppJid    *own;
  guint       emitted;
} Engine;

static void
check_item (XmppPepItem *item)
{
  g_assert_true (xmpp_pep_node_is_valid (item->id));
  g_assert_nonnull (item->payload);
}

static void
items_cb (XmppPep    *pep,
          XmppJid    *from,
          const char *node,
          GPtrArray  *items,
          Engine     *engine)
{
  g_assert_true (xmpp_jid_is_bare (from));
  g_assert_nonnull (xmpp_jid_get_localpart (from));
  g_assert_true (xmpp_pep_node_is_valid (node));
  g_assert_cmpuint (items->len, >, 0);
  g_assert_cmpuint (items->len, <=, XMPP_PEP_MAX_ITEMS);
  for (guint i = 0; i < items->len; i++)
    check_item (g_ptr_array_index (items, i));
  engine->emitted++;
}

static void
other_cb (XmppPep    *pep,
          XmppJid    *from,
          const char *node,
          Engine     *engine)
{
  g_assert_true (xmpp_jid_is_bare (from));
  g_assert_true (xmpp_pep_node_is_valid (node));
  engine->emitted++;
}

static void
retracted_cb (XmppPep            *pep,
              XmppJid            *from,
              const char         *node,
              const char * const *ids,
              Engine             *engine)
{
  g_assert_true (xmpp_jid_is_bare (from));
  for (guint i = 0; ids[i] != NULL; i++)
    g_assert_true (xmpp_pep_node_is_valid (ids[i]));
  engine->emitted++;
}

static Engine *
engine_get (void)
{
  static Engine *engine;

  if (engine == NULL)
    {
      g_autoptr(XmppJid) full = xmpp_jid_new (OWN "/desk", NULL);

      /* As in fuzz-message.c: interned names live as long as the process. */
      xmpp_reader_set_intern_budget (0);

      engine = g_new0 (Engine, 1);
      engine->client = xmpp_client_new (full);
      engine->pep = xmpp_pep_new (engine->client);
      engine->own = xmpp_jid_new (OWN, NULL);
      g_assert_nonnull (engine->own);
      g_signal_connect (engine->pep, "items", G_CALLBACK (items_cb), engine);
      g_signal_connect (engine->pep, "retracted", G_CALLBACK (retracted_cb), engine);
      g_signal_connect (engine->pep, "purged", G_CALLBACK (other_cb), engine);
      g_signal_connect (engine->pep, "deleted", G_CALLBACK (other_cb), engine);
    }
  return engine;
}

static void
fuzz_message (Engine   *engine,
              XmppNode *stanza)
{
  g_autoptr(XmppPepEvent) event = NULL;
  g_autoptr(GError) error = NULL;
  guint expected = 0;
  gboolean handled;

  event = xmpp_pep_event_parse (stanza, engine->own, &error);
  if (event == NULL)
    g_assert_error (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA);
  else
    {
      const char *from = xmpp_node_get_attribute (stanza, "from");

      g_assert_no_error (error);
      g_assert_true (xmpp_jid_is_bare (event->from));
      g_assert_nonnull (xmpp_jid_get_localpart (event->from));
      if (from == NULL)
        g_assert_true (xmpp_jid_equal (event->from, engine->own));
      g_assert_true (xmpp_pep_node_is_valid (event->node));
      if (event->kind == XMPP_PEP_EVENT_ITEMS)
        {
          g_assert_cmpuint (event->items->len + event->retracted->len, >, 0);
          g_assert_cmpuint (event->items->len + event->retracted->len, <=, XMPP_PEP_MAX_ITEMS);
          for (guint i = 0; i < event->items->len; i++)
            check_item (g_ptr_array_index (event->items, i));
          expected = (event->items->len > 0) + (event->retracted->len > 0);
        }
      else
        expected = 1;
    }

  engine->emitted = 0;
  handled = xmpp_pep_handle_message (engine->pep, stanza);
  g_assert_true (handled == (event != NULL));
  g_assert_cmpuint (engine->emitted, ==, expected);
}

static void
fuzz_iq (XmppNode *stanza)
{
  const char *item_ids[] = { NULL, "current" };

  for (guint i = 0; i < G_N_ELEMENTS (item_ids); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) items = xmpp_pep_parse_items_result (stanza, DEVICELIST, item_ids[i],
                                                                &error);

      if (items == NULL)
        {
          g_assert_error (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA);
          continue;
        }
      g_assert_cmpuint (items->len, <=, XMPP_PEP_MAX_ITEMS);
      for (guint j = 0; j < items->len; j++)
        {
          XmppPepItem *item = g_ptr_array_index (items, j);

          check_item (item);
          if (item_ids[i] != NULL)
            g_assert_cmpstr (item->id, ==, item_ids[i]);
        }
    }
  xmpp_pep_parse_publish_result (stanza, DEVICELIST);
}

static void
stanza_cb (XmppReader *reader,
           XmppNode   *stanza,
           gpointer    user_data)
{
  Engine *engine = user_data;

  if (xmpp_node_is (stanza, "message", NULL))
    fuzz_message (engine, stanza);
  else if (xmpp_node_is (stanza, "iq", NULL))
    fuzz_iq (stanza);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const XmppReaderCallbacks callbacks = { NULL, stanza_cb, NULL };
  Engine *engine = engine_get ();
  g_autoptr(XmppReader) reader = xmpp_reader_new (&callbacks, engine, NULL);

  if (!xmpp_reader_feed (reader, OPEN, strlen (OPEN), NULL))
    g_error ("the stream header does not parse");
  xmpp_reader_feed (reader, (const char *) data, size, NULL);
  return 0;
}
