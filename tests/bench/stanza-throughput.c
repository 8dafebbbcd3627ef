/* stanza-throughput.c: XmppReader against a bare libxml2 SAX2 parse
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Builds a realistic server-to-client stream in memory (chat messages with
 * entities and UTF-8, chat states, stanza-ids, MAM results, presences with
 * caps and vCard updates, roster results) and measures, best of several
 * runs in 64 KiB chunks:
 *
 *   (a) libxml2's push parser with empty SAX2 callbacks, the floor;
 *   (b) XmppReader building nodes, plus a dispatch step: a handler looked
 *       up by the first child's (name, xmlns) in a GHashTable keyed on the
 *       interned pointers, called, and the node released.
 *
 * It prints stanzas/s and MB/s for both and the ratio (b)/(a); the target
 * is 0.6 or more.  Usage: stanza-throughput [STANZAS [RUNS]]
 */
#include "config.h"

#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xmpp/xmpp.h"

#define CHUNK (64 * 1024)

static guint32 rng_state = 0x2545f491;

static guint32
rng (void)
{
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return rng_state;
}

static const char *const contacts[] = {
  "romeo@montague.example", "nurse@capulet.example", "mercutio@verona.example",
  "benvolio@montague.example", "tybalt@capulet.example", "friar.laurence@verona.example",
  "balthasar@montague.example", "paris@verona.example",
};

static const char *const bodies[] = {
  "But soft, what light through yonder window breaks?",
  "Fish &amp; chips tonight? I&apos;ll bring the wine &amp; the cheese.",
  "caf\xc3\xa9 au lait, cr\xc3\xa8me br\xc3\xbbl\xc3\xa9" "e, na\xc3\xafve r\xc3\xa9sum\xc3\xa9",
  "\xe6\x98\x8e\xe6\x97\xa5\xe3\x81\xae\xe4\xbc\x9a\xe8\xad\xb0\xe3\x81\xaf\xe5\x8d\x81\xe6\x99\x82"
  "\xe3\x81\xa7\xe3\x81\x99 \xf0\x9f\x91\x8d",
  "if (a &lt; b &amp;&amp; c &gt; d) { return &quot;ok&quot;; }",
  "See https://example.org/some/path?query=1&amp;other=2 for the details of the plan.",
  "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82, \xd0\xba\xd0\xb0\xd0\xba \xd0\xb4\xd0\xb5"
  "\xd0\xbb\xd0\xb0? \xf0\x9f\x98\x80",
  "ok",
};

static const char *const chat_states[] = { "active", "composing", "paused", "inactive" };
static const char *const shows[] = { "away", "chat", "dnd", "xa" };

static void
append_id (GString *s)
{
  g_string_append_printf (s, "%08x-%04x-%04x", rng (), rng () & 0xffff, rng () & 0xffff);
}

static void
append_chat (GString *s,
             gboolean in_mam)
{
  const char *from = contacts[rng () % G_N_ELEMENTS (contacts)];

  g_string_append_printf (s, "<message%s from='%s/phone' to='juliet@capulet.example/natter' "
                          "type='chat' id='", in_mam ? " xmlns='jabber:client'" : "", from);
  append_id (s);
  g_string_append_printf (s, "'><body>%s</body><%s xmlns='http://jabber.org/protocol/chatstates'/>",
                          bodies[rng () % G_N_ELEMENTS (bodies)],
                          chat_states[0]);
  g_string_append (s, "<origin-id xmlns='urn:xmpp:sid:0' id='");
  append_id (s);
  g_string_append (s, "'/>");
  if (!in_mam)
    {
      g_string_append (s, "<stanza-id xmlns='urn:xmpp:sid:0' by='juliet@capulet.example' id='");
      append_id (s);
      g_string_append (s, "'/>");
    }
  g_string_append (s, "</message>");
}

static void
append_stanza (GString *s)
{
  guint kind = rng () % 100;

  if (kind < 35)
    append_chat (s, FALSE);
  else if (kind < 50)
    {
      g_string_append_printf (s, "<message from='%s/phone' to='juliet@capulet.example/natter' "
                              "type='chat'><%s xmlns='http://jabber.org/protocol/chatstates'/>"
                              "</message>",
                              contacts[rng () % G_N_ELEMENTS (contacts)],
                              chat_states[rng () % G_N_ELEMENTS (chat_states)]);
    }
  else if (kind < 72)
    {
      g_string_append (s, "<message to='juliet@capulet.example/natter'>"
                       "<result xmlns='urn:xmpp:mam:2' queryid='f27' id='");
      append_id (s);
      g_string_append_printf (s, "'><forwarded xmlns='urn:xmpp:forward:0'>"
                              "<delay xmlns='urn:xmpp:delay' "
                              "stamp='2024-%02u-%02uT%02u:%02u:%02uZ'/>",
                              1 + rng () % 12, 1 + rng () % 28, rng () % 24, rng () % 60,
                              rng () % 60);
      append_chat (s, TRUE);
      g_string_append (s, "</forwarded></result></message>");
    }
  else if (kind < 96)
    {
      g_string_append_printf (s, "<presence from='%s/%08x' to='juliet@capulet.example/natter'>"
                              "<show>%s</show><status>Out &amp; about</status>"
                              "<priority>%u</priority>"
                              "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' "
                              "node='https://conversations.im' ver='%08xQgayPKawpkPSDYmwT/WM94u='/>"
                              "<x xmlns='vcard-temp:x:update'>"
                              "<photo>%08x%08x%08x%08x%08x</photo></x>"
                              "</presence>",
                              contacts[rng () % G_N_ELEMENTS (contacts)], rng (),
                              shows[rng () % G_N_ELEMENTS (shows)], rng () % 128, rng (),
                              rng (), rng (), rng (), rng (), rng ());
    }
  else
    {
      guint items = 3 + rng () % 8;

      g_string_append (s, "<iq type='result' to='juliet@capulet.example/natter' id='");
      append_id (s);
      g_string_append (s, "'><query xmlns='jabber:iq:roster' ver='ver14'>");
      for (guint i = 0; i < items; i++)
        g_string_append_printf (s, "<item jid='%s' name='Contact %u' subscription='both'>"
                                "<group>Friends &amp; Family</group></item>",
                                contacts[i % G_N_ELEMENTS (contacts)], i);
      g_string_append (s, "</query></iq>");
    }
  g_string_append_c (s, '\n');
}

static GString *
generate_stream (guint n_stanzas)
{
  GString *s = g_string_sized_new (n_stanzas * 400);

  g_string_append (s, "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                   "xmlns:stream='http://etherx.jabber.org/streams' from='capulet.example' "
                   "id='c2s-b6c1e1' version='1.0' xml:lang='en'>");
  for (guint i = 0; i < n_stanzas; i++)
    append_stanza (s);
  g_string_append (s, "</stream:stream>");
  return s;
}

static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* (a): the floor. */

static guint bare_stanzas;
static int bare_depth;

static void
bare_start_cb (void           *ctx,
               const xmlChar  *localname,
               const xmlChar  *prefix,
               const xmlChar  *uri,
               int             nb_namespaces,
               const xmlChar **namespaces,
               int             nb_attributes,
               int             nb_defaulted,
               const xmlChar **attributes)
{
  bare_depth++;
}

static void
bare_end_cb (void          *ctx,
             const xmlChar *localname,
             const xmlChar *prefix,
             const xmlChar *uri)
{
  if (--bare_depth == 1)
    bare_stanzas++;
}

static void
bare_characters_cb (void          *ctx,
                    const xmlChar *ch,
                    int            len)
{
}

static double
run_bare (const GString *stream)
{
  xmlSAXHandler sax;
  xmlParserCtxtPtr ctxt;
  double start = now ();

  memset (&sax, 0, sizeof sax);
  sax.initialized = XML_SAX2_MAGIC;
  sax.startElementNs = bare_start_cb;
  sax.endElementNs = bare_end_cb;
  sax.characters = bare_characters_cb;
  sax.ignorableWhitespace = bare_characters_cb;

  bare_stanzas = 0;
  bare_depth = 0;
  ctxt = xmlCreatePushParserCtxt (&sax, NULL, NULL, 0, NULL);
  xmlCtxtUseOptions (ctxt, XML_PARSE_NONET | XML_PARSE_NODICT);
  for (gsize i = 0; i < stream->len; i += CHUNK)
    {
      if (xmlParseChunk (ctxt, stream->str + i, MIN (CHUNK, stream->len - i), 0) != 0)
        g_error ("libxml2 rejected the generated stream");
    }
  xmlFreeParserCtxt (ctxt);
  return now () - start;
}

/* (b): the reader and a dispatcher. */

typedef struct
{
  const char *name;
  const char *xmlns;
} HandlerKey;

typedef struct
{
  guint messages;
  guint chat_states;
  guint archived;
  guint presences;
  guint roster_items;
  guint other;
} Counts;

typedef void (*Handler) (XmppNode *stanza,
                         XmppNode *payload,
                         Counts   *counts);

static guint
handler_key_hash (gconstpointer key)
{
  const HandlerKey *k = key;

  return g_direct_hash (k->name) ^ (g_direct_hash (k->xmlns) * 31);
}

static gboolean
handler_key_equal (gconstpointer a,
                   gconstpointer b)
{
  const HandlerKey *x = a;
  const HandlerKey *y = b;

  return x->name == y->name && x->xmlns == y->xmlns;
}

static void
on_body (XmppNode *stanza,
         XmppNode *payload,
         Counts   *counts)
{
  if (xmpp_node_get_text (payload)[0] != '\0')
    counts->messages++;
}

static void
on_chat_state (XmppNode *stanza,
               XmppNode *payload,
               Counts   *counts)
{
  counts->chat_states++;
}

static void
on_mam_result (XmppNode *stanza,
               XmppNode *payload,
               Counts   *counts)
{
  if (xmpp_node_get_attribute (payload, "queryid") != NULL)
    counts->archived++;
}

static void
on_presence (XmppNode *stanza,
             XmppNode *payload,
             Counts   *counts)
{
  counts->presences++;
}

static void
on_roster (XmppNode *stanza,
           XmppNode *payload,
           Counts   *counts)
{
  counts->roster_items += xmpp_node_get_n_children (payload);
}

typedef struct
{
  GHashTable *handlers;
  Counts      counts;
  guint       stanzas;
} Dispatcher;

static void
add_handler (GHashTable *handlers,
             const char *name,
             const char *xmlns,
             Handler     handler)
{
  HandlerKey *key = g_new (HandlerKey, 1);

  key->name = g_intern_string (name);
  key->xmlns = g_intern_string (xmlns);
  g_hash_table_insert (handlers, key, handler);
}

static void
dispatch_cb (XmppReader *reader,
             XmppNode   *stanza,
             gpointer    user_data)
{
  Dispatcher *d = user_data;
  XmppNode *payload = stanza;
  HandlerKey key;
  Handler handler;

  if (xmpp_node_get_n_children (stanza) > 0)
    payload = xmpp_node_get_child_at (stanza, 0);
  key.name = xmpp_node_get_name (payload);
  key.xmlns = xmpp_node_get_xmlns (payload);
  handler = g_hash_table_lookup (d->handlers, &key);
  if (handler != NULL)
    handler (stanza, payload, &d->counts);
  else
    d->counts.other++;
  d->stanzas++;
  /* The reader drops its reference when this returns. */
}

static double
run_reader (const GString *stream,
            Dispatcher    *d)
{
  static const XmppReaderCallbacks callbacks = { NULL, dispatch_cb, NULL };
  g_autoptr(GError) error = NULL;
  XmppReader *reader;
  double start = now ();

  memset (&d->counts, 0, sizeof d->counts);
  d->stanzas = 0;
  reader = xmpp_reader_new (&callbacks, d, NULL);
  for (gsize i = 0; i < stream->len; i += CHUNK)
    {
      if (!xmpp_reader_feed (reader, stream->str + i, MIN (CHUNK, stream->len - i), &error))
        g_error ("XmppReader rejected the generated stream: %s", error->message);
    }
  g_object_unref (reader);
  return now () - start;
}

int
main (int   argc,
      char *argv[])
{
  guint n_stanzas = argc > 1 ? (guint) atoi (argv[1]) : 200000;
  guint runs = argc > 2 ? (guint) atoi (argv[2]) : 7;
  g_autoptr(GString) stream = NULL;
  g_autoptr(GHashTable) handlers = NULL;
  Dispatcher d = { NULL, { 0 }, 0 };
  double best_bare = G_MAXDOUBLE;
  double best_reader = G_MAXDOUBLE;
  double mb;

  xmlInitParser ();
  stream = generate_stream (n_stanzas);
  mb = stream->len / 1e6;

  handlers = g_hash_table_new_full (handler_key_hash, handler_key_equal, g_free, NULL);
  add_handler (handlers, "body", "jabber:client", on_body);
  for (guint i = 0; i < G_N_ELEMENTS (chat_states); i++)
    add_handler (handlers, chat_states[i], "http://jabber.org/protocol/chatstates", on_chat_state);
  add_handler (handlers, "result", "urn:xmpp:mam:2", on_mam_result);
  add_handler (handlers, "show", "jabber:client", on_presence);
  add_handler (handlers, "query", "jabber:iq:roster", on_roster);
  d.handlers = handlers;

  g_print ("stream: %u stanzas, %.1f MB, %u runs of each, %u KiB chunks\n",
           n_stanzas, mb, runs, CHUNK / 1024);

  /* Alternate the two so that neither gets a warmer machine. */
  for (guint i = 0; i < runs; i++)
    {
      best_bare = MIN (best_bare, run_bare (stream));
      best_reader = MIN (best_reader, run_reader (stream, &d));
    }

  if (bare_stanzas != n_stanzas || d.stanzas != n_stanzas)
    g_error ("counted %u and %u stanzas, generated %u", bare_stanzas, d.stanzas, n_stanzas);
  if (d.counts.other != 0)
    g_error ("%u stanzas found no handler", d.counts.other);

  g_print ("(a) libxml2 SAX2, empty callbacks: %8.3f s  %10.0f stanzas/s  %7.1f MB/s\n",
           best_bare, n_stanzas / best_bare, mb / best_bare);
  g_print ("(b) XmppReader + dispatch:         %8.3f s  %10.0f stanzas/s  %7.1f MB/s\n",
           best_reader, n_stanzas / best_reader, mb / best_reader);
  g_print ("    handled: %u messages, %u chat states, %u archived, %u presences, %u roster items\n",
           d.counts.messages, d.counts.chat_states, d.counts.archived, d.counts.presences,
           d.counts.roster_items);
  g_print ("ratio (b)/(a): %.2f (target >= 0.60)\n", best_bare / best_reader);

  return 0;
}
