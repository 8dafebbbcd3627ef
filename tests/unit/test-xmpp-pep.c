/* test-xmpp-pep.c: PEP requests, answers and events (XEP-0163, XEP-0060), hostile ones included
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Requests are compared with the XML the XEPs show; answers and events
 * are parsed with the real reader and fed to the module on a client that
 * never connects.  The round trips against a server are in
 * tests/integration/test-xmpp-pep.c.
 */
#include "config.h"

#include <string.h>

#include "xmpp/xmpp.h"
#include "xmpp/xmpp-pep-private.h"

#define HEADER "<stream:stream xmlns='jabber:client' " \
  "xmlns:stream='http://etherx.jabber.org/streams'>"

#define OWN "juliet@example.com"
#define DEVICELIST "eu.siacs.conversations.axolotl.devicelist"
#define AXOLOTL "eu.siacs.conversations.axolotl"
#define EVENT_NS "http://jabber.org/protocol/pubsub#event"

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

static void
collect_stanza_cb (XmppReader *reader,
                   XmppNode   *stanza,
                   gpointer    user_data)
{
  XmppNode **out = user_data;

  g_assert_null (*out);
  *out = xmpp_node_ref (stanza);
}

/* Parses one stanza in jabber:client with the real reader. */
static XmppNode *
parse (const char *xml)
{
  static const XmppReaderCallbacks callbacks = { NULL, collect_stanza_cb, NULL };
  g_autoptr(XmppReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strconcat (HEADER, xml, NULL);
  XmppNode *stanza = NULL;

  reader = xmpp_reader_new (&callbacks, &stanza, NULL);
  g_assert_true (xmpp_reader_feed (reader, text, strlen (text), &error));
  g_assert_no_error (error);
  g_assert_nonnull (stanza);
  return stanza;
}

static XmppJid *
jid (const char *text)
{
  g_autoptr(GError) error = NULL;
  XmppJid *result = xmpp_jid_new (text, &error);

  g_assert_no_error (error);
  return result;
}

static void
assert_xml (XmppNode   *built,
            const char *expected_xml)
{
  g_autoptr(XmppNode) expected = parse (expected_xml);

  if (!xmpp_node_equal (built, expected))
    {
      g_autofree char *got = xmpp_node_to_string (built);

      g_error ("built %s\nexpected %s", got, expected_xml);
    }
}

static XmppNode *
device_list (const char *id)
{
  XmppNode *list = xmpp_node_new ("list", AXOLOTL);

  xmpp_node_add_child_with_attributes (list, "device", AXOLOTL, "id", id, NULL);
  return list;
}

/* A string of @n copies of @unit. */
static char *
repeat (const char *unit,
        guint       n)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append (s, unit);
  return g_string_free (s, FALSE);
}

/* ------------------------------------------------------------------------
 * Requests
 * ------------------------------------------------------------------------ */

static void
test_pep_publish_carries_publish_options (void)
{
  g_autoptr(XmppNode) payload = device_list ("1234");
  g_autoptr(XmppNode) iq = xmpp_pep_build_publish (DEVICELIST, "current", payload, "open");

  /* XEP-0060 §7.1.5, Example 126, with what Profanity and Conversations
   * put in the form for OMEMO. */
  assert_xml (iq,
              "<iq type='set'>"
              "<pubsub xmlns='http://jabber.org/protocol/pubsub'>"
              "<publish node='" DEVICELIST "'>"
              "<item id='current'><list xmlns='" AXOLOTL "'><device id='1234'/></list></item>"
              "</publish>"
              "<publish-options><x xmlns='jabber:x:data' type='submit'>"
              "<field var='FORM_TYPE' type='hidden'>"
              "<value>http://jabber.org/protocol/pubsub#publish-options</value></field>"
              "<field var='pubsub#persist_items'><value>true</value></field>"
              "<field var='pubsub#access_model'><value>open</value></field>"
              "</x></publish-options>"
              "</pubsub></iq>");
}

static void
test_pep_publish_without_options (void)
{
  g_autoptr(XmppNode) payload = device_list ("7");
  g_autoptr(XmppNode) iq = xmpp_pep_build_publish ("urn:example:node", NULL, payload, NULL);

  /* No publish-options, and no id: the server picks one. */
  assert_xml (iq,
              "<iq type='set'>"
              "<pubsub xmlns='http://jabber.org/protocol/pubsub'>"
              "<publish node='urn:example:node'>"
              "<item><list xmlns='" AXOLOTL "'><device id='7'/></list></item>"
              "</publish></pubsub></iq>");
}

static void
test_pep_configure_uses_owner_namespace (void)
{
  g_autoptr(XmppNode) iq = xmpp_pep_build_configure (DEVICELIST, "presence");

  /* XEP-0060 §8.2.4, with only the fields we insist on. */
  assert_xml (iq,
              "<iq type='set'>"
              "<pubsub xmlns='http://jabber.org/protocol/pubsub#owner'>"
              "<configure node='" DEVICELIST "'>"
              "<x xmlns='jabber:x:data' type='submit'>"
              "<field var='FORM_TYPE' type='hidden'>"
              "<value>http://jabber.org/protocol/pubsub#node_config</value></field>"
              "<field var='pubsub#persist_items'><value>true</value></field>"
              "<field var='pubsub#access_model'><value>presence</value></field>"
              "</x></configure></pubsub></iq>");
}

static void
test_pep_fetch_requests (void)
{
  g_autoptr(XmppJid) romeo = jid ("romeo@montague.example");
  g_autoptr(XmppNode) all = xmpp_pep_build_fetch (romeo, DEVICELIST, NULL);
  g_autoptr(XmppNode) one = xmpp_pep_build_fetch (NULL, AXOLOTL ".bundles:1234", "1");

  assert_xml (all,
              "<iq type='get' to='romeo@montague.example'>"
              "<pubsub xmlns='http://jabber.org/protocol/pubsub'>"
              "<items node='" DEVICELIST "' max_items='256'/></pubsub></iq>");
  /* Our own account: no 'to'. */
  assert_xml (one,
              "<iq type='get'>"
              "<pubsub xmlns='http://jabber.org/protocol/pubsub'>"
              "<items node='" AXOLOTL ".bundles:1234'><item id='1'/></items></pubsub></iq>");
}

static void
test_pep_retract_and_delete_requests (void)
{
  g_autoptr(XmppNode) retract = xmpp_pep_build_retract (DEVICELIST, "current");
  g_autoptr(XmppNode) delete = xmpp_pep_build_delete (DEVICELIST);

  assert_xml (retract,
              "<iq type='set'>"
              "<pubsub xmlns='http://jabber.org/protocol/pubsub'>"
              "<retract node='" DEVICELIST "' notify='true'><item id='current'/></retract>"
              "</pubsub></iq>");
  assert_xml (delete,
              "<iq type='set'>"
              "<pubsub xmlns='http://jabber.org/protocol/pubsub#owner'>"
              "<delete node='" DEVICELIST "'/></pubsub></iq>");
}

static void
test_pep_node_names (void)
{
  g_autofree char *longest = repeat ("a", XMPP_PEP_MAX_NAME_BYTES);
  g_autofree char *too_long = repeat ("a", XMPP_PEP_MAX_NAME_BYTES + 1);

  g_assert_true (xmpp_pep_node_is_valid (DEVICELIST));
  g_assert_true (xmpp_pep_node_is_valid (longest));
  g_assert_false (xmpp_pep_node_is_valid (too_long));
  g_assert_false (xmpp_pep_node_is_valid (""));
  g_assert_false (xmpp_pep_node_is_valid (NULL));
  g_assert_false (xmpp_pep_node_is_valid ("\xff\xfe"));
}

static void
test_pep_item_boxed (void)
{
  g_autoptr(XmppNode) payload = device_list ("1");
  g_autoptr(XmppPepItem) item = xmpp_pep_item_new ("current", payload);
  g_autoptr(XmppPepItem) copy = g_boxed_copy (XMPP_TYPE_PEP_ITEM, item);

  g_assert_cmpstr (copy->id, ==, "current");
  g_assert_true (copy->payload == payload);
  g_assert_true (copy->id != item->id);
}

/* ------------------------------------------------------------------------
 * Answers
 * ------------------------------------------------------------------------ */

static GPtrArray *
parse_answer (const char  *xml,
              const char  *item_id,
              GError     **error)
{
  g_autoptr(XmppNode) iq = parse (xml);

  return xmpp_pep_parse_items_result (iq, DEVICELIST, item_id, error);
}

#define ANSWER_OPEN "<iq type='result' id='a'><pubsub xmlns='http://jabber.org/protocol/pubsub'>" \
  "<items node='" DEVICELIST "'>"
#define ANSWER_CLOSE "</items></pubsub></iq>"
#define LIST(id) "<list xmlns='" AXOLOTL "'><device id='" id "'/></list>"

static void
test_pep_fetch_answer_parsed (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  XmppPepItem *item;

  items = parse_answer (ANSWER_OPEN
                        "<item id='current'>" LIST ("1") "</item>"
                        "<item id='older'>" LIST ("2") "</item>"
                        ANSWER_CLOSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 2);
  item = g_ptr_array_index (items, 0);
  g_assert_cmpstr (item->id, ==, "current");
  g_assert_true (xmpp_node_is (item->payload, "list", AXOLOTL));
  g_assert_cmpstr (xmpp_node_get_attribute (xmpp_node_get_child (item->payload, "device", AXOLOTL),
                                            "id"), ==, "1");
  item = g_ptr_array_index (items, 1);
  g_assert_cmpstr (item->id, ==, "older");
  g_clear_pointer (&items, g_ptr_array_unref);

  /* Asked for one item, the others a server sends along are dropped. */
  items = parse_answer (ANSWER_OPEN
                        "<item id='current'>" LIST ("1") "</item>"
                        "<item id='planted'>" LIST ("666") "</item>"
                        ANSWER_CLOSE, "current", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_cmpstr (((XmppPepItem *) g_ptr_array_index (items, 0))->id, ==, "current");
  g_clear_pointer (&items, g_ptr_array_unref);

  /* An empty node is an empty result. */
  items = parse_answer (ANSWER_OPEN ANSWER_CLOSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 0);
}

static void
test_pep_fetch_answer_hostile (void)
{
  static const char * const answers[] = {
    /* No <pubsub/>. */
    "<iq type='result' id='a'/>",
    /* <pubsub/> in the wrong namespace. */
    "<iq type='result' id='a'><pubsub xmlns='http://jabber.org/protocol/pubsub#owner'>"
    "<items node='" DEVICELIST "'/></pubsub></iq>",
    /* <items/> in the wrong namespace. */
    "<iq type='result' id='a'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
    "<items xmlns='" EVENT_NS "' node='" DEVICELIST "'/></pubsub></iq>",
    /* No <items/>. */
    "<iq type='result' id='a'><pubsub xmlns='http://jabber.org/protocol/pubsub'/></iq>",
    /* Two <items/>. */
    "<iq type='result' id='a'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
    "<items node='" DEVICELIST "'/><items node='" DEVICELIST "'/></pubsub></iq>",
    /* Another node than asked. */
    ANSWER_OPEN "</items><items node='x'>" ANSWER_CLOSE,
    "<iq type='result' id='a'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
    "<items node='urn:example:other'><item id='1'>" LIST ("1") "</item></items></pubsub></iq>",
    /* No node. */
    "<iq type='result' id='a'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
    "<items><item id='1'>" LIST ("1") "</item></items></pubsub></iq>",
    /* An item without id, with an empty id, without payload, with two. */
    ANSWER_OPEN "<item>" LIST ("1") "</item>" ANSWER_CLOSE,
    ANSWER_OPEN "<item id=''>" LIST ("1") "</item>" ANSWER_CLOSE,
    ANSWER_OPEN "<item id='1'/>" ANSWER_CLOSE,
    ANSWER_OPEN "<item id='1'>" LIST ("1") LIST ("2") "</item>" ANSWER_CLOSE,
    /* Something else among the items. */
    ANSWER_OPEN "<item id='1'>" LIST ("1") "</item><retract id='2'/>" ANSWER_CLOSE,
    ANSWER_OPEN "<item xmlns='" EVENT_NS "' id='1'>" LIST ("1") "</item>" ANSWER_CLOSE,
  };

  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) items = parse_answer (answers[i], NULL, &error);

      g_test_message ("answer %u", i);
      g_assert_null (items);
      g_assert_error (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA);
    }
}

static void
test_pep_fetch_answer_item_limit (void)
{
  g_autofree char *items_max = repeat ("<item id='x'>" LIST ("1") "</item>", XMPP_PEP_MAX_ITEMS);
  g_autofree char *answer_max = g_strconcat (ANSWER_OPEN, items_max, ANSWER_CLOSE, NULL);
  g_autofree char *answer_over = g_strconcat (ANSWER_OPEN, items_max,
                                              "<item id='y'>" LIST ("1") "</item>",
                                              ANSWER_CLOSE, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;

  items = parse_answer (answer_max, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, XMPP_PEP_MAX_ITEMS);
  g_clear_pointer (&items, g_ptr_array_unref);

  items = parse_answer (answer_over, NULL, &error);
  g_assert_null (items);
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA);
}

static void
test_pep_publish_answer (void)
{
  g_autoptr(XmppNode) named = parse ("<iq type='result' id='a'>"
                                     "<pubsub xmlns='http://jabber.org/protocol/pubsub'>"
                                     "<publish node='" DEVICELIST "'><item id='ae890ac52d'/>"
                                     "</publish></pubsub></iq>");
  g_autoptr(XmppNode) other = parse ("<iq type='result' id='a'>"
                                     "<pubsub xmlns='http://jabber.org/protocol/pubsub'>"
                                     "<publish node='x'><item id='ae890ac52d'/>"
                                     "</publish></pubsub></iq>");
  g_autoptr(XmppNode) empty = parse ("<iq type='result' id='a'/>");

  g_assert_cmpstr (xmpp_pep_parse_publish_result (named, DEVICELIST), ==, "ae890ac52d");
  g_assert_null (xmpp_pep_parse_publish_result (other, DEVICELIST));
  g_assert_null (xmpp_pep_parse_publish_result (empty, DEVICELIST));
}

/* ------------------------------------------------------------------------
 * Events
 * ------------------------------------------------------------------------ */

#define EVENT_OPEN(from) "<message " from " type='headline' id='e'>" \
  "<event xmlns='" EVENT_NS "'><items node='" DEVICELIST "'>"
#define EVENT_CLOSE "</items></event></message>"

static XmppPepEvent *
parse_event (const char  *xml,
             GError     **error)
{
  g_autoptr(XmppNode) message = parse (xml);
  g_autoptr(XmppJid) own = jid (OWN "/balcony");

  return xmpp_pep_event_parse (message, own, error);
}

static void
test_pep_event_from_contact (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppPepEvent) event = NULL;
  XmppPepItem *item;

  event = parse_event (EVENT_OPEN ("from='romeo@montague.example'")
                       "<item id='current'>" LIST ("31415") "</item>"
                       EVENT_CLOSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (event->kind, ==, XMPP_PEP_EVENT_ITEMS);
  g_assert_cmpstr (xmpp_jid_to_string (event->from), ==, "romeo@montague.example");
  g_assert_cmpstr (event->node, ==, DEVICELIST);
  g_assert_cmpuint (event->items->len, ==, 1);
  g_assert_cmpuint (event->retracted->len, ==, 0);
  item = g_ptr_array_index (event->items, 0);
  g_assert_cmpstr (item->id, ==, "current");
  g_assert_true (xmpp_node_is (item->payload, "list", AXOLOTL));
}

static void
test_pep_event_without_from_is_own_account (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppPepEvent) event = NULL;

  /* RFC 6120 §8.1.2.1: no 'from' is the account itself; attributed to
   * the bare JID, not our resource. */
  event = parse_event (EVENT_OPEN ("") "<item id='current'>" LIST ("1") "</item>" EVENT_CLOSE,
                       &error);
  g_assert_no_error (error);
  g_assert_cmpstr (xmpp_jid_to_string (event->from), ==, OWN);
  g_clear_pointer (&event, xmpp_pep_event_free);

  event = parse_event (EVENT_OPEN ("from='Juliet@Example.COM'")
                       "<item id='current'>" LIST ("1") "</item>" EVENT_CLOSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (xmpp_jid_to_string (event->from), ==, OWN);
}

static void
test_pep_event_retract_purge_delete (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppPepEvent) event = NULL;

  event = parse_event (EVENT_OPEN ("from='romeo@montague.example'")
                       "<retract id='old'/><item id='new'>" LIST ("1") "</item>"
                       EVENT_CLOSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (event->items->len, ==, 1);
  g_assert_cmpuint (event->retracted->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (event->retracted, 0), ==, "old");
  g_clear_pointer (&event, xmpp_pep_event_free);

  event = parse_event ("<message from='romeo@montague.example' type='headline'>"
                       "<event xmlns='" EVENT_NS "'><purge node='" DEVICELIST "'/></event>"
                       "</message>", &error);
  g_assert_no_error (error);
  g_assert_cmpint (event->kind, ==, XMPP_PEP_EVENT_PURGE);
  g_assert_cmpstr (event->node, ==, DEVICELIST);
  g_clear_pointer (&event, xmpp_pep_event_free);

  event = parse_event ("<message from='romeo@montague.example'>"
                       "<event xmlns='" EVENT_NS "'><delete node='" DEVICELIST "'>"
                       "<redirect uri='xmpp:romeo@montague.example?;node=x'/></delete></event>"
                       "</message>", &error);
  g_assert_no_error (error);
  g_assert_cmpint (event->kind, ==, XMPP_PEP_EVENT_DELETE);
}

static const char * const hostile_events[] = {
  /* Spoofed senders: a full JID (a client, not a PEP service), a server, a
   * component of another server, our own full JID, an invalid address. */
  EVENT_OPEN ("from='mallory@evil.example/x'") "<item id='1'>" LIST ("1") "</item>" EVENT_CLOSE,
  EVENT_OPEN ("from='evil.example'") "<item id='1'>" LIST ("1") "</item>" EVENT_CLOSE,
  EVENT_OPEN ("from='pubsub.evil.example'") "<item id='1'>" LIST ("1") "</item>" EVENT_CLOSE,
  EVENT_OPEN ("from='example.com'") "<item id='1'>" LIST ("1") "</item>" EVENT_CLOSE,
  EVENT_OPEN ("from='" OWN "/balcony'") "<item id='1'>" LIST ("1") "</item>" EVENT_CLOSE,
  EVENT_OPEN ("from='a@b@c'") "<item id='1'>" LIST ("1") "</item>" EVENT_CLOSE,
  /* Error and groupchat messages are not notifications. */
  "<message from='romeo@montague.example' type='error'><event xmlns='" EVENT_NS "'>"
  "<items node='" DEVICELIST "'><item id='1'>" LIST ("1") "</item></items></event></message>",
  "<message from='room@muc.example' type='groupchat'><event xmlns='" EVENT_NS "'>"
  "<items node='" DEVICELIST "'><item id='1'>" LIST ("1") "</item></items></event></message>",
  /* Wrong namespaces: the event, the items, the item, the retraction. */
  "<message from='romeo@montague.example'><event xmlns='http://jabber.org/protocol/pubsub'>"
  "<items node='" DEVICELIST "'><item id='1'>" LIST ("1") "</item></items></event></message>",
  "<message from='romeo@montague.example'><event xmlns='" EVENT_NS "'>"
  "<items xmlns='http://jabber.org/protocol/pubsub' node='" DEVICELIST "'>"
  "<item id='1'>" LIST ("1") "</item></items></event></message>",
  EVENT_OPEN ("from='romeo@montague.example'")
  "<item xmlns='http://jabber.org/protocol/pubsub' id='1'>" LIST ("1") "</item>" EVENT_CLOSE,
  EVENT_OPEN ("from='romeo@montague.example'")
  "<retract xmlns='urn:example' id='1'/>" EVENT_CLOSE,
  /* No items, an empty event, two events, two children of one event. */
  EVENT_OPEN ("from='romeo@montague.example'") EVENT_CLOSE,
  "<message from='romeo@montague.example'><event xmlns='" EVENT_NS "'/></message>",
  "<message from='romeo@montague.example'>"
  "<event xmlns='" EVENT_NS "'><items node='" DEVICELIST "'><item id='1'>" LIST ("1")
  "</item></items></event>"
  "<event xmlns='" EVENT_NS "'><items node='" DEVICELIST "'><item id='2'>" LIST ("2")
  "</item></items></event></message>",
  "<message from='romeo@montague.example'><event xmlns='" EVENT_NS "'>"
  "<items node='" DEVICELIST "'><item id='1'>" LIST ("1") "</item></items>"
  "<purge node='" DEVICELIST "'/></event></message>",
  /* Missing, empty or unusable node names. */
  "<message from='romeo@montague.example'><event xmlns='" EVENT_NS "'>"
  "<items><item id='1'>" LIST ("1") "</item></items></event></message>",
  "<message from='romeo@montague.example'><event xmlns='" EVENT_NS "'>"
  "<items node=''><item id='1'>" LIST ("1") "</item></items></event></message>",
  "<message from='romeo@montague.example'><event xmlns='" EVENT_NS "'><purge/></event></message>",
  "<message from='romeo@montague.example'><event xmlns='" EVENT_NS "'><delete node=''/></event>"
  "</message>",
  /* Items without id, without payload, with two payloads; a retraction
   * without id. */
  EVENT_OPEN ("from='romeo@montague.example'") "<item>" LIST ("1") "</item>" EVENT_CLOSE,
  EVENT_OPEN ("from='romeo@montague.example'") "<item id='1'/>" EVENT_CLOSE,
  EVENT_OPEN ("from='romeo@montague.example'") "<item id='1'>" LIST ("1") LIST ("2") "</item>"
  EVENT_CLOSE,
  EVENT_OPEN ("from='romeo@montague.example'") "<item id='1'>" LIST ("1") "</item><retract/>"
  EVENT_CLOSE,
  /* Unknown kinds of events and children. */
  "<message from='romeo@montague.example'><event xmlns='" EVENT_NS "'>"
  "<configuration node='" DEVICELIST "'/></event></message>",
  EVENT_OPEN ("from='romeo@montague.example'") "<item id='1'>" LIST ("1") "</item>"
  "<surprise/>" EVENT_CLOSE,
};

static void
test_pep_event_hostile_rejected (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (hostile_events); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(XmppPepEvent) event = NULL;

      g_test_message ("event %u", i);
      event = parse_event (hostile_events[i], &error);
      g_assert_null (event);
      g_assert_error (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA);
    }
}

static void
test_pep_event_item_limit (void)
{
  g_autofree char *items_max = repeat ("<item id='x'>" LIST ("1") "</item>", XMPP_PEP_MAX_ITEMS);
  g_autofree char *event_max = g_strconcat (EVENT_OPEN ("from='romeo@montague.example'"),
                                            items_max, EVENT_CLOSE, NULL);
  g_autofree char *event_over = g_strconcat (EVENT_OPEN ("from='romeo@montague.example'"),
                                             items_max, "<retract id='y'/>", EVENT_CLOSE, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppPepEvent) event = NULL;

  event = parse_event (event_max, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (event->items->len, ==, XMPP_PEP_MAX_ITEMS);
  g_clear_pointer (&event, xmpp_pep_event_free);

  event = parse_event (event_over, &error);
  g_assert_null (event);
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA);
}

/* ------------------------------------------------------------------------
 * The module
 * ------------------------------------------------------------------------ */

typedef struct
{
  GPtrArray *seen;     /* char *: "signal from node ids…" */
  guint      detailed; /* ::items::DEVICELIST */
  guint      other;    /* ::items::urn:example:other */
} Recorder;

static void
record (Recorder   *r,
        const char *what,
        XmppJid    *from,
        const char *node,
        const char *ids)
{
  g_ptr_array_add (r->seen, g_strdup_printf ("%s %s %s%s%s", what, xmpp_jid_to_string (from), node,
                                             ids != NULL ? " " : "", ids != NULL ? ids : ""));
}

static void
items_cb (XmppPep    *pep,
          XmppJid    *from,
          const char *node,
          GPtrArray  *items,
          Recorder   *r)
{
  g_autoptr(GString) ids = g_string_new (NULL);

  for (guint i = 0; i < items->len; i++)
    {
      XmppPepItem *item = g_ptr_array_index (items, i);

      g_string_append_printf (ids, "%s%s", i > 0 ? "," : "", item->id);
      g_assert_nonnull (item->payload);
    }
  record (r, "items", from, node, ids->str);
}

static void
retracted_cb (XmppPep            *pep,
              XmppJid            *from,
              const char         *node,
              const char * const *ids,
              Recorder           *r)
{
  g_autofree char *joined = g_strjoinv (",", (char **) ids);

  record (r, "retracted", from, node, joined);
}

static void
purged_cb (XmppPep    *pep,
           XmppJid    *from,
           const char *node,
           Recorder   *r)
{
  record (r, "purged", from, node, NULL);
}

static void
deleted_cb (XmppPep    *pep,
            XmppJid    *from,
            const char *node,
            Recorder   *r)
{
  record (r, "deleted", from, node, NULL);
}

static void
count_cb (XmppPep    *pep,
          XmppJid    *from,
          const char *node,
          GPtrArray  *items,
          guint      *count)
{
  (*count)++;
}

static void
test_pep_module_emits_events (void)
{
  g_autoptr(XmppJid) account = jid (OWN "/balcony");
  XmppClient *client = xmpp_client_new (account);
  XmppPep *pep = xmpp_pep_new (client);
  Recorder r = { g_ptr_array_new_with_free_func (g_free), 0, 0 };
  static const char * const accepted[] = {
    EVENT_OPEN ("from='romeo@montague.example'") "<item id='a'>" LIST ("1") "</item>"
    "<item id='b'>" LIST ("2") "</item>" EVENT_CLOSE,
    EVENT_OPEN ("") "<retract id='a'/><item id='c'>" LIST ("3") "</item>" EVENT_CLOSE,
    "<message from='romeo@montague.example'><event xmlns='" EVENT_NS "'>"
    "<purge node='urn:example:other'/></event></message>",
    "<message><event xmlns='" EVENT_NS "'><delete node='urn:example:other'/></event></message>",
  };
  static const char * const expected[] = {
    "items romeo@montague.example " DEVICELIST " a,b",
    "items " OWN " " DEVICELIST " c",
    "retracted " OWN " " DEVICELIST " a",
    "purged romeo@montague.example urn:example:other",
    "deleted " OWN " urn:example:other",
  };

  g_signal_connect (pep, "items", G_CALLBACK (items_cb), &r);
  g_signal_connect (pep, "retracted", G_CALLBACK (retracted_cb), &r);
  g_signal_connect (pep, "purged", G_CALLBACK (purged_cb), &r);
  g_signal_connect (pep, "deleted", G_CALLBACK (deleted_cb), &r);
  g_signal_connect (pep, "items::" DEVICELIST, G_CALLBACK (count_cb), &r.detailed);
  g_signal_connect (pep, "items::urn:example:other", G_CALLBACK (count_cb), &r.other);

  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      g_autoptr(XmppNode) message = parse (accepted[i]);

      g_assert_true (xmpp_pep_handle_message (pep, message));
    }
  g_assert_cmpuint (r.seen->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (g_ptr_array_index (r.seen, i), ==, expected[i]);
  g_assert_cmpuint (r.detailed, ==, 2);
  g_assert_cmpuint (r.other, ==, 0);

  /* Hostile events change nothing and reach no handler. */
  for (guint i = 0; i < G_N_ELEMENTS (hostile_events); i++)
    {
      g_autoptr(XmppNode) message = parse (hostile_events[i]);

      g_assert_false (xmpp_pep_handle_message (pep, message));
    }
  g_assert_cmpuint (r.seen->len, ==, G_N_ELEMENTS (expected));
  g_assert_cmpuint (r.detailed, ==, 2);

  g_ptr_array_unref (r.seen);
  g_assert_finalize_object (pep);
  g_assert_finalize_object (client);
}

static void
test_pep_notify_changes_caps (void)
{
  g_autoptr(XmppJid) account = jid (OWN "/balcony");
  XmppClient *client = xmpp_client_new (account);
  XmppDisco *disco = xmpp_disco_new (client);
  XmppCaps *caps = xmpp_caps_new (disco);
  XmppPep *pep = xmpp_pep_new (client);
  g_autofree char *before = xmpp_caps_dup_own_ver (caps);
  g_autofree char *after = NULL;
  g_autoptr(XmppDiscoInfo) info = NULL;
  g_autoptr(XmppNode) presence = xmpp_node_new ("presence", XMPP_NS_CLIENT);
  XmppNode *c;

  g_assert_true (xmpp_pep_subscribe_notify (pep, DEVICELIST));
  /* Asked again, nothing changes: no new presence is needed. */
  g_assert_false (xmpp_pep_subscribe_notify (pep, DEVICELIST));

  /* What disco#info answers and what the caps hash covers. */
  info = xmpp_disco_dup_own_info (disco);
  g_assert_true (xmpp_disco_info_has_feature (info, DEVICELIST "+notify"));
  after = xmpp_caps_dup_own_ver (caps);
  g_assert_cmpstr (before, !=, after);

  /* And the next presence carries it. */
  xmpp_caps_add_to_presence (caps, presence);
  c = xmpp_node_get_child (presence, "c", XMPP_NS_CAPS);
  g_assert_nonnull (c);
  g_assert_cmpstr (xmpp_node_get_attribute (c, "ver"), ==, after);

  g_assert_finalize_object (pep);
  g_assert_finalize_object (caps);
  g_assert_finalize_object (disco);
  g_assert_finalize_object (client);
}

static void
fetch_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
test_pep_fetch_offline_fails (void)
{
  g_autoptr(XmppJid) account = jid (OWN "/balcony");
  XmppClient *client = xmpp_client_new (account);
  XmppPep *pep = xmpp_pep_new (client);
  GAsyncResult *result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;

  xmpp_pep_fetch_async (pep, NULL, DEVICELIST, NULL, NULL, fetch_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  items = xmpp_pep_fetch_finish (pep, result, &error);
  g_assert_null (items);
  g_assert_nonnull (error);
  g_assert_true (error->domain == XMPP_ERROR);
  g_object_unref (result);

  g_assert_finalize_object (pep);
  g_assert_finalize_object (client);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/natter/xmpp/pep/publish-carries-publish-options",
                   test_pep_publish_carries_publish_options);
  g_test_add_func ("/natter/xmpp/pep/publish-without-options", test_pep_publish_without_options);
  g_test_add_func ("/natter/xmpp/pep/configure-uses-owner-namespace",
                   test_pep_configure_uses_owner_namespace);
  g_test_add_func ("/natter/xmpp/pep/fetch-requests", test_pep_fetch_requests);
  g_test_add_func ("/natter/xmpp/pep/retract-and-delete-requests",
                   test_pep_retract_and_delete_requests);
  g_test_add_func ("/natter/xmpp/pep/node-names", test_pep_node_names);
  g_test_add_func ("/natter/xmpp/pep/item-boxed", test_pep_item_boxed);
  g_test_add_func ("/natter/xmpp/pep/fetch-answer-parsed", test_pep_fetch_answer_parsed);
  g_test_add_func ("/natter/xmpp/pep/fetch-answer-hostile", test_pep_fetch_answer_hostile);
  g_test_add_func ("/natter/xmpp/pep/fetch-answer-item-limit", test_pep_fetch_answer_item_limit);
  g_test_add_func ("/natter/xmpp/pep/publish-answer", test_pep_publish_answer);
  g_test_add_func ("/natter/xmpp/pep/event-from-contact", test_pep_event_from_contact);
  g_test_add_func ("/natter/xmpp/pep/event-without-from-is-own-account",
                   test_pep_event_without_from_is_own_account);
  g_test_add_func ("/natter/xmpp/pep/event-retract-purge-delete",
                   test_pep_event_retract_purge_delete);
  g_test_add_func ("/natter/xmpp/pep/event-hostile-rejected", test_pep_event_hostile_rejected);
  g_test_add_func ("/natter/xmpp/pep/event-item-limit", test_pep_event_item_limit);
  g_test_add_func ("/natter/xmpp/pep/module-emits-events", test_pep_module_emits_events);
  g_test_add_func ("/natter/xmpp/pep/notify-changes-caps", test_pep_notify_changes_caps);
  g_test_add_func ("/natter/xmpp/pep/fetch-offline-fails", test_pep_fetch_offline_fails);

  return g_test_run ();
}
