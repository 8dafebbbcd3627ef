/* test-xmpp-roster.c: roster and presence parsing, pushes and ranking (RFC 6121)
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The modules run on a client that never connects: stanzas are fed to
 * their handlers directly, and what they would send is dropped by the
 * client.  The end-to-end behaviour is in tests/integration.
 */
#include "config.h"

#include <string.h>

#include "xmpp/xmpp.h"
#include "xmpp/xmpp-presence-private.h"
#include "xmpp/xmpp-roster-private.h"

#define HEADER "<stream:stream xmlns='jabber:client' " \
  "xmlns:stream='http://etherx.jabber.org/streams'>"

#define OWN "juliet@example.com"

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

static XmppRosterItem *
find_item (GPtrArray  *items,
           const char *jid_text)
{
  g_autoptr(XmppJid) wanted = jid (jid_text);

  for (guint i = 0; i < items->len; i++)
    {
      XmppRosterItem *item = g_ptr_array_index (items, i);

      if (xmpp_jid_equal (xmpp_roster_item_get_jid (item), wanted))
        return item;
    }
  return NULL;
}

static void
assert_groups (XmppRosterItem *item,
               ...)
{
  const char * const *groups = xmpp_roster_item_get_groups (item);
  const char *expected;
  guint i = 0;
  va_list args;

  va_start (args, item);
  while ((expected = va_arg (args, const char *)) != NULL)
    {
      g_assert_nonnull (groups[i]);
      g_assert_cmpstr (groups[i], ==, expected);
      i++;
    }
  va_end (args);
  g_assert_null (groups[i]);
}

/* Records what a roster or presence module emits. */
typedef struct
{
  GPtrArray *changed;       /* XmppRosterItem * or XmppPresenceResource * */
  GPtrArray *removed;       /* XmppJid * */
  GPtrArray *errors;        /* GError * */
  GPtrArray *requests;      /* char *: "jid|nick|status" */
  GPtrArray *notifications; /* char *: "type jid" */
  int        loaded_full;
  int        loaded_unchanged;
  int        prepared;
} Recorder;

static Recorder *
recorder_new (void)
{
  Recorder *r = g_new0 (Recorder, 1);

  r->changed = g_ptr_array_new ();
  r->removed = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_jid_unref);
  r->errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  r->requests = g_ptr_array_new_with_free_func (g_free);
  r->notifications = g_ptr_array_new_with_free_func (g_free);
  return r;
}

static void
recorder_free (Recorder *r)
{
  g_ptr_array_unref (r->changed);
  g_ptr_array_unref (r->removed);
  g_ptr_array_unref (r->errors);
  g_ptr_array_unref (r->requests);
  g_ptr_array_unref (r->notifications);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Recorder, recorder_free)

static void
item_changed_cb (XmppRoster     *roster,
                 XmppRosterItem *item,
                 Recorder       *r)
{
  g_ptr_array_set_free_func (r->changed, (GDestroyNotify) xmpp_roster_item_unref);
  g_ptr_array_add (r->changed, xmpp_roster_item_ref (item));
}

static void
item_removed_cb (XmppRoster *roster,
                 XmppJid    *removed,
                 Recorder   *r)
{
  g_ptr_array_add (r->removed, xmpp_jid_ref (removed));
}

static void
loaded_cb (XmppRoster *roster,
           gboolean    full,
           Recorder   *r)
{
  if (full)
    r->loaded_full++;
  else
    r->loaded_unchanged++;
}

static void
connect_roster (XmppRoster *roster,
                Recorder   *r)
{
  g_signal_connect (roster, "item-changed", G_CALLBACK (item_changed_cb), r);
  g_signal_connect (roster, "item-removed", G_CALLBACK (item_removed_cb), r);
  g_signal_connect (roster, "loaded", G_CALLBACK (loaded_cb), r);
}

static XmppClient *
offline_client (void)
{
  g_autoptr(XmppJid) own = jid (OWN);

  return xmpp_client_new (own);
}

/* ------------------------------------------------------------------------
 * Roster: parsing
 * ------------------------------------------------------------------------ */

static void
test_roster_result_items_parsed (void)
{
  g_autoptr(XmppNode) iq = parse (
    "<iq type='result' id='r1'><query xmlns='jabber:iq:roster' ver='ver7'>"
    "<item jid='romeo@example.net' name='Romeo' subscription='both'>"
    "<group>Friends</group><group>Lovers</group></item>"
    "<item jid='nurse@example.com' subscription='to'/>"
    "<item jid='benvolio@example.net' subscription='from' approved='true'/>"
    "<item jid='mercutio@example.com' name='' ask='subscribe'>"
    "<group>Friends</group><group></group><group>Friends</group><group>Verona</group></item>"
    "<item jid='tybalt@example.net' subscription='none' approved='false' ask='unsubscribe'/>"
    "</query></iq>");
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *version = NULL;
  XmppRosterItem *item;

  items = xmpp_roster_parse_query (xmpp_node_get_child (iq, "query", XMPP_NS_ROSTER), &version);
  g_assert_cmpstr (version, ==, "ver7");
  g_assert_cmpuint (items->len, ==, 5);

  item = g_ptr_array_index (items, 0);
  g_assert_cmpstr (xmpp_jid_to_string (xmpp_roster_item_get_jid (item)), ==, "romeo@example.net");
  g_assert_cmpstr (xmpp_roster_item_get_name (item), ==, "Romeo");
  g_assert_cmpint (xmpp_roster_item_get_subscription (item), ==, XMPP_ROSTER_SUBSCRIPTION_BOTH);
  g_assert_false (xmpp_roster_item_get_ask (item));
  g_assert_false (xmpp_roster_item_get_approved (item));
  assert_groups (item, "Friends", "Lovers", NULL);
  g_assert_true (xmpp_roster_item_has_group (item, "Lovers"));
  g_assert_false (xmpp_roster_item_has_group (item, "Verona"));

  item = find_item (items, "nurse@example.com");
  g_assert_cmpint (xmpp_roster_item_get_subscription (item), ==, XMPP_ROSTER_SUBSCRIPTION_TO);
  g_assert_null (xmpp_roster_item_get_name (item));
  assert_groups (item, NULL);

  item = find_item (items, "benvolio@example.net");
  g_assert_cmpint (xmpp_roster_item_get_subscription (item), ==, XMPP_ROSTER_SUBSCRIPTION_FROM);
  g_assert_true (xmpp_roster_item_get_approved (item));

  /* No subscription attribute means none; an empty name is no name; empty
   * and repeated groups are dropped. */
  item = find_item (items, "mercutio@example.com");
  g_assert_cmpint (xmpp_roster_item_get_subscription (item), ==, XMPP_ROSTER_SUBSCRIPTION_NONE);
  g_assert_null (xmpp_roster_item_get_name (item));
  g_assert_true (xmpp_roster_item_get_ask (item));
  assert_groups (item, "Friends", "Verona", NULL);

  /* 'ask' has no value but "subscribe". */
  item = find_item (items, "tybalt@example.net");
  g_assert_false (xmpp_roster_item_get_ask (item));
  g_assert_false (xmpp_roster_item_get_approved (item));
}

static void
test_roster_result_bad_items_ignored (void)
{
  g_autoptr(XmppNode) iq = parse (
    "<iq type='result' id='r1'><query xmlns='jabber:iq:roster'>"
    "<item name='no address'/>"
    "<item jid='a@b@c'/>"
    "<item jid='@example.org'/>"
    "<item jid='ok@example.org/'/>"
    "<item jid='moody@example.org' subscription='sometimes'/>"
    "<item jid='gone@example.org' subscription='remove'/>"
    "<item xmlns='urn:example:other' jid='other@example.org'/>"
    "<entry jid='entry@example.org'/>"
    "<item jid='twice@example.org' name='first'/>"
    "<item jid='good@example.org' subscription='both'/>"
    "<item jid='Twice@Example.ORG' name='second' subscription='to'/>"
    "</query></iq>");
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *version = NULL;
  XmppRosterItem *item;

  items = xmpp_roster_parse_query (xmpp_node_get_child (iq, "query", XMPP_NS_ROSTER), &version);
  g_assert_null (version);
  g_assert_cmpuint (items->len, ==, 2);

  /* A JID listed twice (compared prepared) keeps the last item, at the
   * first one's place. */
  item = g_ptr_array_index (items, 0);
  g_assert_cmpstr (xmpp_jid_to_string (xmpp_roster_item_get_jid (item)), ==, "twice@example.org");
  g_assert_cmpstr (xmpp_roster_item_get_name (item), ==, "second");
  g_assert_cmpint (xmpp_roster_item_get_subscription (item), ==, XMPP_ROSTER_SUBSCRIPTION_TO);
  g_assert_nonnull (find_item (items, "good@example.org"));
}

static void
test_roster_item_parse_errors (void)
{
  g_autoptr(XmppNode) iq = parse (
    "<iq type='set' id='p'><query xmlns='jabber:iq:roster'>"
    "<item jid='gone@example.org' subscription='remove'><group>G</group></item>"
    "</query></iq>");
  XmppNode *item = xmpp_node_get_child (xmpp_node_get_child (iq, "query", XMPP_NS_ROSTER),
                                        "item", XMPP_NS_ROSTER);
  g_autoptr(XmppRosterItem) parsed = NULL;
  g_autoptr(GError) error = NULL;

  parsed = xmpp_roster_item_parse (item, FALSE, &error);
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA);
  g_assert_null (parsed);
  g_clear_error (&error);

  parsed = xmpp_roster_item_parse (item, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (xmpp_roster_item_get_subscription (parsed), ==, XMPP_ROSTER_SUBSCRIPTION_REMOVE);
  g_assert_cmpstr (xmpp_roster_subscription_to_string (XMPP_ROSTER_SUBSCRIPTION_REMOVE), ==,
                   "remove");
}

static void
test_roster_push_needs_exactly_one_item (void)
{
  static const struct {
    const char *xml;
    gboolean    valid;
  } cases[] = {
    { "<iq type='set' id='1'><query xmlns='jabber:iq:roster' ver='v2'>"
      "<item jid='romeo@example.net' subscription='both'/></query></iq>", TRUE },
    { "<iq type='set' id='2'><query xmlns='jabber:iq:roster' ver='v3'>"
      "<item jid='romeo@example.net' subscription='remove'/></query></iq>", TRUE },
    { "<iq type='set' id='3'><query xmlns='jabber:iq:roster'/></iq>", FALSE },
    { "<iq type='set' id='4'><query xmlns='jabber:iq:roster'>"
      "<item jid='a@example.net'/><item jid='b@example.net'/></query></iq>", FALSE },
    { "<iq type='set' id='5'><query xmlns='jabber:iq:roster'><item/></query></iq>", FALSE },
    { "<iq type='get' id='6'><query xmlns='jabber:iq:roster'>"
      "<item jid='a@example.net'/></query></iq>", FALSE },
    { "<iq type='set' id='7'><query xmlns='jabber:iq:roster'>"
      "<item jid='a@example.net' subscription='bogus'/></query></iq>", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(XmppNode) iq = parse (cases[i].xml);
      g_autoptr(XmppRosterItem) item = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *version = NULL;

      item = xmpp_roster_parse_push (iq, &version, &error);
      if (cases[i].valid)
        {
          g_assert_no_error (error);
          g_assert_nonnull (item);
          g_assert_nonnull (version);
        }
      else
        {
          g_assert_error (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA);
          g_assert_null (item);
          g_assert_null (version);
        }
    }
}

static void
test_roster_requests_built (void)
{
  g_autoptr(XmppJid) romeo = jid ("romeo@example.net");
  const char *groups[] = { "Friends", "", "Friends", "Lovers", NULL };
  static const struct {
    const char *version;
    const char *xml;
  } gets[] = {
    { NULL, "<iq xmlns='jabber:client' type='get'><query xmlns='jabber:iq:roster'/></iq>" },
    { "", "<iq xmlns='jabber:client' type='get'><query xmlns='jabber:iq:roster' ver=''/></iq>" },
    { "ver14", "<iq xmlns='jabber:client' type='get'><query xmlns='jabber:iq:roster' ver='ver14'/>"
      "</iq>" },
  };
  g_autoptr(XmppNode) set = NULL;
  g_autoptr(XmppNode) bare_set = NULL;
  g_autoptr(XmppNode) remove = NULL;
  g_autofree char *set_text = NULL;
  g_autofree char *bare_set_text = NULL;
  g_autofree char *remove_text = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (gets); i++)
    {
      g_autoptr(XmppNode) get = xmpp_roster_build_get (gets[i].version);
      g_autofree char *text = xmpp_node_to_string (get);

      g_assert_cmpstr (text, ==, gets[i].xml);
    }

  set = xmpp_roster_build_set (romeo, "Romeo", groups);
  set_text = xmpp_node_to_string (set);
  g_assert_cmpstr (set_text, ==,
                   "<iq xmlns='jabber:client' type='set'><query xmlns='jabber:iq:roster'>"
                   "<item jid='romeo@example.net' name='Romeo'>"
                   "<group>Friends</group><group>Lovers</group></item></query></iq>");

  bare_set = xmpp_roster_build_set (romeo, "", NULL);
  bare_set_text = xmpp_node_to_string (bare_set);
  g_assert_cmpstr (bare_set_text, ==,
                   "<iq xmlns='jabber:client' type='set'><query xmlns='jabber:iq:roster'>"
                   "<item jid='romeo@example.net'/></query></iq>");

  remove = xmpp_roster_build_remove (romeo);
  remove_text = xmpp_node_to_string (remove);
  g_assert_cmpstr (remove_text, ==,
                   "<iq xmlns='jabber:client' type='set'><query xmlns='jabber:iq:roster'>"
                   "<item jid='romeo@example.net' subscription='remove'/></query></iq>");
}

static void
test_roster_item_new_and_equal (void)
{
  g_autoptr(XmppJid) romeo = jid ("romeo@example.net");
  const char *groups[] = { "A", "", "B", "A", NULL };
  const char *same_groups[] = { "A", "B", NULL };
  const char *other_groups[] = { "B", "A", NULL };
  const char *fewer_groups[] = { "A", NULL };
  g_autoptr(XmppRosterItem) a = NULL;
  g_autoptr(XmppRosterItem) b = NULL;
  g_autoptr(XmppRosterItem) c = NULL;
  g_autoptr(XmppRosterItem) d = NULL;
  g_autoptr(XmppRosterItem) e = NULL;
  g_autoptr(XmppRosterItem) g = NULL;

  a = xmpp_roster_item_new (romeo, "", XMPP_ROSTER_SUBSCRIPTION_BOTH, FALSE, FALSE, groups);
  b = xmpp_roster_item_new (romeo, NULL, XMPP_ROSTER_SUBSCRIPTION_BOTH, FALSE, FALSE, same_groups);
  c = xmpp_roster_item_new (romeo, NULL, XMPP_ROSTER_SUBSCRIPTION_BOTH, FALSE, FALSE, other_groups);
  d = xmpp_roster_item_new (romeo, NULL, XMPP_ROSTER_SUBSCRIPTION_TO, FALSE, FALSE, same_groups);
  e = xmpp_roster_item_new (romeo, NULL, XMPP_ROSTER_SUBSCRIPTION_BOTH, TRUE, FALSE, same_groups);
  g = xmpp_roster_item_new (romeo, NULL, XMPP_ROSTER_SUBSCRIPTION_BOTH, FALSE, FALSE, fewer_groups);

  g_assert_null (xmpp_roster_item_get_name (a));
  assert_groups (a, "A", "B", NULL);
  g_assert_true (xmpp_roster_item_equal (a, b));
  /* Groups are a set. */
  g_assert_true (xmpp_roster_item_equal (a, c));
  g_assert_false (xmpp_roster_item_equal (a, d));
  g_assert_false (xmpp_roster_item_equal (a, e));
  g_assert_false (xmpp_roster_item_equal (a, g));
  g_assert_false (xmpp_roster_item_equal (g, a));
  g_assert_true (G_TYPE_IS_BOXED (XMPP_TYPE_ROSTER_ITEM));
  g_assert_true (G_TYPE_IS_ENUM (XMPP_TYPE_ROSTER_SUBSCRIPTION));
}

/* ------------------------------------------------------------------------
 * Roster: the module, fed stanzas directly
 * ------------------------------------------------------------------------ */

typedef struct
{
  XmppClient *client;
  XmppRoster *roster;
  Recorder   *recorder;
} RosterFixture;

static void
roster_fixture_set_up (RosterFixture *f,
                       gconstpointer  data)
{
  f->client = offline_client ();
  f->roster = xmpp_roster_new (f->client);
  f->recorder = recorder_new ();
  connect_roster (f->roster, f->recorder);
}

static void
roster_fixture_tear_down (RosterFixture *f,
                          gconstpointer  data)
{
  g_assert_finalize_object (f->roster);
  g_assert_finalize_object (f->client);
  recorder_free (f->recorder);
}

static gboolean
feed_roster (RosterFixture *f,
             const char    *xml)
{
  g_autoptr(XmppNode) stanza = parse (xml);

  return xmpp_roster_handle_iq (f->roster, stanza);
}

static void
test_roster_push_from_account_applied (RosterFixture *f,
                                       gconstpointer  data)
{
  g_autoptr(XmppJid) romeo = jid ("romeo@example.net");
  g_autoptr(XmppJid) romeo_phone = jid ("romeo@example.net/phone");
  XmppRosterItem *item;

  /* No 'from': from our own account, implicitly (RFC 6121 §2.1.6). */
  g_assert_true (feed_roster (f, "<iq type='set' id='a'><query xmlns='jabber:iq:roster' ver='v1'>"
                                 "<item jid='romeo@example.net' name='Romeo' subscription='none'"
                                 " ask='subscribe'/></query></iq>"));
  g_assert_cmpuint (f->recorder->changed->len, ==, 1);
  g_assert_cmpstr (xmpp_roster_get_version (f->roster), ==, "v1");

  /* From our bare JID, in another spelling of it. */
  g_assert_true (feed_roster (f, "<iq type='set' id='b' from='Juliet@Example.COM'>"
                                 "<query xmlns='jabber:iq:roster' ver='v2'>"
                                 "<item jid='romeo@example.net' name='Romeo' subscription='both'>"
                                 "<group>Friends</group></item></query></iq>"));
  g_assert_cmpuint (f->recorder->changed->len, ==, 2);
  g_assert_cmpstr (xmpp_roster_get_version (f->roster), ==, "v2");

  item = xmpp_roster_lookup (f->roster, romeo);
  g_assert_nonnull (item);
  g_assert_true (item == g_ptr_array_index (f->recorder->changed, 1));
  g_assert_cmpint (xmpp_roster_item_get_subscription (item), ==, XMPP_ROSTER_SUBSCRIPTION_BOTH);
  assert_groups (item, "Friends", NULL);
  /* A full JID finds its bare JID's item. */
  g_assert_true (xmpp_roster_lookup (f->roster, romeo_phone) == item);
  g_assert_cmpuint (g_hash_table_size (xmpp_roster_get_items (f->roster)), ==, 1);

  /* The same state again is no change. */
  g_assert_true (feed_roster (f, "<iq type='set' id='c'><query xmlns='jabber:iq:roster' ver='v3'>"
                                 "<item jid='romeo@example.net' name='Romeo' subscription='both'>"
                                 "<group>Friends</group></item></query></iq>"));
  g_assert_cmpuint (f->recorder->changed->len, ==, 2);
  g_assert_cmpstr (xmpp_roster_get_version (f->roster), ==, "v3");

  g_assert_true (feed_roster (f, "<iq type='set' id='d'><query xmlns='jabber:iq:roster' ver='v4'>"
                                 "<item jid='romeo@example.net' subscription='remove'/></query>"
                                 "</iq>"));
  g_assert_cmpuint (f->recorder->removed->len, ==, 1);
  g_assert_true (xmpp_jid_equal (g_ptr_array_index (f->recorder->removed, 0), romeo));
  g_assert_null (xmpp_roster_lookup (f->roster, romeo));
  g_assert_cmpstr (xmpp_roster_get_version (f->roster), ==, "v4");

  /* Removing what is not there changes nothing. */
  g_assert_true (feed_roster (f, "<iq type='set' id='e'><query xmlns='jabber:iq:roster'>"
                                 "<item jid='romeo@example.net' subscription='remove'/></query>"
                                 "</iq>"));
  g_assert_cmpuint (f->recorder->removed->len, ==, 1);
}

/* SECURITY.md #6: CVE-2015-8688 (Gajim, mcabber) and CVE-2019-16236
 * (Dino) accepted roster pushes from anyone. */
static void
test_roster_cve_2015_8688_push_from_others_ignored (RosterFixture *f,
                                                    gconstpointer  data)
{
  static const char * const senders[] = {
    "mallory@evil.example/x",
    "mallory@evil.example",
    "juliet@example.com/balcony",  /* our own full JID: RFC 6121 asks for the bare one */
    "example.com",                 /* our own server */
    "juliet@example.com.evil.example",
    "juliet@evil.example",
  };
  g_autoptr(XmppJid) mallory = jid ("mallory@evil.example");
  g_autoptr(XmppJid) romeo = jid ("romeo@example.net");

  g_assert_true (feed_roster (f, "<iq type='set' id='0'><query xmlns='jabber:iq:roster' ver='good'>"
                                 "<item jid='romeo@example.net' subscription='both'/></query>"
                                 "</iq>"));
  g_assert_cmpuint (f->recorder->changed->len, ==, 1);

  for (guint i = 0; i < G_N_ELEMENTS (senders); i++)
    {
      g_autofree char *add = g_strdup_printf (
        "<iq type='set' id='add%u' from='%s'><query xmlns='jabber:iq:roster' ver='evil'>"
        "<item jid='mallory@evil.example' subscription='both'/></query></iq>", i, senders[i]);
      g_autofree char *drop = g_strdup_printf (
        "<iq type='set' id='drop%u' from='%s'><query xmlns='jabber:iq:roster' ver='evil'>"
        "<item jid='romeo@example.net' subscription='remove'/></query></iq>", i, senders[i]);

      /* Handled (answered with service-unavailable), but not applied. */
      g_assert_true (feed_roster (f, add));
      g_assert_true (feed_roster (f, drop));
    }

  g_assert_cmpuint (f->recorder->changed->len, ==, 1);
  g_assert_cmpuint (f->recorder->removed->len, ==, 0);
  g_assert_null (xmpp_roster_lookup (f->roster, mallory));
  g_assert_nonnull (xmpp_roster_lookup (f->roster, romeo));
  g_assert_cmpuint (g_hash_table_size (xmpp_roster_get_items (f->roster)), ==, 1);
  g_assert_cmpstr (xmpp_roster_get_version (f->roster), ==, "good");
}

static void
test_roster_bad_push_and_other_iqs (RosterFixture *f,
                                    gconstpointer  data)
{
  /* Two items: refused as a whole (bad-request), nothing applied. */
  g_assert_true (feed_roster (f, "<iq type='set' id='1'><query xmlns='jabber:iq:roster' ver='x'>"
                                 "<item jid='a@example.net'/><item jid='b@example.net'/></query>"
                                 "</iq>"));
  g_assert_cmpuint (f->recorder->changed->len, ==, 0);
  g_assert_null (xmpp_roster_get_version (f->roster));

  /* A roster get from a peer is left to the client's service-unavailable;
   * results and errors are never answered. */
  g_assert_false (feed_roster (f, "<iq type='get' id='2' from='romeo@example.net/x'>"
                                  "<query xmlns='jabber:iq:roster'/></iq>"));
  g_assert_false (feed_roster (f, "<iq type='result' id='3'><query xmlns='jabber:iq:roster'>"
                                  "<item jid='a@example.net'/></query></iq>"));
  g_assert_false (feed_roster (f, "<iq type='error' id='4'><query xmlns='jabber:iq:roster'/>"
                                  "</iq>"));
  g_assert_cmpuint (f->recorder->changed->len, ==, 0);
}

static void
test_roster_result_replaces_and_versions (RosterFixture *f,
                                          gconstpointer  data)
{
  g_autoptr(GPtrArray) cached =
    g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_roster_item_unref);
  g_autoptr(XmppJid) romeo = jid ("romeo@example.net");
  g_autoptr(XmppJid) nurse = jid ("nurse@example.com");
  g_autoptr(XmppJid) tybalt = jid ("tybalt@example.net");
  g_autoptr(XmppNode) full = NULL;
  g_autoptr(XmppNode) empty = NULL;
  g_autoptr(XmppNode) unversioned = NULL;
  g_autoptr(GPtrArray) items = NULL;
  const char *friends[] = { "Friends", NULL };

  /* A cache restores items and version without signals. */
  g_ptr_array_add (cached, xmpp_roster_item_new (romeo, "Romeo", XMPP_ROSTER_SUBSCRIPTION_BOTH,
                                                 FALSE, FALSE, friends));
  g_ptr_array_add (cached, xmpp_roster_item_new (nurse, NULL, XMPP_ROSTER_SUBSCRIPTION_TO,
                                                 FALSE, FALSE, NULL));
  xmpp_roster_set_cached (f->roster, "v5", cached);
  g_assert_cmpstr (xmpp_roster_get_version (f->roster), ==, "v5");
  g_assert_cmpuint (g_hash_table_size (xmpp_roster_get_items (f->roster)), ==, 2);
  g_assert_cmpuint (f->recorder->changed->len, ==, 0);

  /* "Nothing changed since v5" (RFC 6121 §2.6.3): an empty result. */
  empty = parse ("<iq type='result' id='g1'/>");
  xmpp_roster_apply_result (f->roster, empty);
  g_assert_cmpint (f->recorder->loaded_unchanged, ==, 1);
  g_assert_cmpint (f->recorder->loaded_full, ==, 0);
  g_assert_cmpuint (g_hash_table_size (xmpp_roster_get_items (f->roster)), ==, 2);
  g_assert_cmpstr (xmpp_roster_get_version (f->roster), ==, "v5");
  g_assert_cmpuint (f->recorder->changed->len, ==, 0);

  /* A full roster replaces the items: signals only for the differences. */
  full = parse ("<iq type='result' id='g2'><query xmlns='jabber:iq:roster' ver='v9'>"
                "<item jid='romeo@example.net' name='Romeo' subscription='both'>"
                "<group>Friends</group></item>"
                "<item jid='tybalt@example.net' subscription='from'/>"
                "</query></iq>");
  xmpp_roster_apply_result (f->roster, full);
  g_assert_cmpint (f->recorder->loaded_full, ==, 1);
  g_assert_cmpuint (f->recorder->removed->len, ==, 1);
  g_assert_true (xmpp_jid_equal (g_ptr_array_index (f->recorder->removed, 0), nurse));
  g_assert_cmpuint (f->recorder->changed->len, ==, 1);
  g_assert_true (xmpp_jid_equal (
    xmpp_roster_item_get_jid (g_ptr_array_index (f->recorder->changed, 0)), tybalt));
  g_assert_cmpstr (xmpp_roster_get_version (f->roster), ==, "v9");

  items = xmpp_roster_dup_items (f->roster);
  g_assert_cmpuint (items->len, ==, 2);
  g_assert_nonnull (find_item (items, "romeo@example.net"));
  g_assert_nonnull (find_item (items, "tybalt@example.net"));

  /* A server without versioning sends no 'ver'. */
  unversioned = parse ("<iq type='result' id='g3'><query xmlns='jabber:iq:roster'>"
                       "<item jid='romeo@example.net' name='Romeo' subscription='both'>"
                       "<group>Friends</group></item>"
                       "</query></iq>");
  xmpp_roster_apply_result (f->roster, unversioned);
  g_assert_null (xmpp_roster_get_version (f->roster));
  g_assert_cmpuint (g_hash_table_size (xmpp_roster_get_items (f->roster)), ==, 1);
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static void
test_roster_version_notifies_once (RosterFixture *f,
                                   gconstpointer  data)
{
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  guint count = 0;

  g_signal_connect (f->roster, "notify::version", G_CALLBACK (count_notify_cb), &count);
  xmpp_roster_set_cached (f->roster, "a", none);
  xmpp_roster_set_cached (f->roster, "a", none);
  g_assert_cmpuint (count, ==, 1);
  g_assert_true (feed_roster (f, "<iq type='set' id='1'><query xmlns='jabber:iq:roster' ver='a'>"
                                 "<item jid='x@example.net'/></query></iq>"));
  g_assert_cmpuint (count, ==, 1);
  g_assert_true (feed_roster (f, "<iq type='set' id='2'><query xmlns='jabber:iq:roster' ver='b'>"
                                 "<item jid='y@example.net'/></query></iq>"));
  g_assert_cmpuint (count, ==, 2);
  g_signal_handlers_disconnect_by_data (f->roster, &count);
}

static void
fetch_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GError **error = user_data;

  g_assert_false (xmpp_roster_fetch_finish (XMPP_ROSTER (object), result, error));
}

static void
test_roster_fetch_offline_fails (RosterFixture *f,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  xmpp_roster_fetch_async (f->roster, NULL, fetch_done_cb, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_NOT_CONNECTED);
}

/* The fetch that ::online starts holds no reference to the roster; one
 * dropped meanwhile must not be touched when the answer comes. */
static void
test_roster_dispose_during_fetch_is_safe (void)
{
  XmppClient *client = offline_client ();
  XmppRoster *roster = xmpp_roster_new (client);

  g_signal_emit_by_name (client, "online", FALSE);
  g_assert_finalize_object (roster);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (client);
}

/* ------------------------------------------------------------------------
 * Presence: parsing and ranking
 * ------------------------------------------------------------------------ */

static void
test_presence_show_parsed (void)
{
  g_assert_cmpint (xmpp_presence_parse_show (NULL), ==, XMPP_PRESENCE_SHOW_AVAILABLE);
  g_assert_cmpint (xmpp_presence_parse_show ("chat"), ==, XMPP_PRESENCE_SHOW_CHAT);
  g_assert_cmpint (xmpp_presence_parse_show ("away"), ==, XMPP_PRESENCE_SHOW_AWAY);
  g_assert_cmpint (xmpp_presence_parse_show ("xa"), ==, XMPP_PRESENCE_SHOW_XA);
  g_assert_cmpint (xmpp_presence_parse_show ("dnd"), ==, XMPP_PRESENCE_SHOW_DND);
  g_assert_cmpint (xmpp_presence_parse_show (""), ==, XMPP_PRESENCE_SHOW_AVAILABLE);
  g_assert_cmpint (xmpp_presence_parse_show ("DND"), ==, XMPP_PRESENCE_SHOW_AVAILABLE);
  g_assert_cmpint (xmpp_presence_parse_show ("sleeping"), ==, XMPP_PRESENCE_SHOW_AVAILABLE);
  g_assert_null (xmpp_presence_show_to_string (XMPP_PRESENCE_SHOW_AVAILABLE));
  g_assert_cmpstr (xmpp_presence_show_to_string (XMPP_PRESENCE_SHOW_XA), ==, "xa");
  g_assert_true (G_TYPE_IS_ENUM (XMPP_TYPE_PRESENCE_SHOW));
}

static void
test_presence_priority_bounds (void)
{
  static const struct {
    const char *text;
    int         value;
  } cases[] = {
    { NULL, 0 },
    { "", 0 },
    { "5", 5 },
    { "+3", 3 },
    { " 7\n", 7 },
    { "-1", -1 },
    { "127", 127 },
    { "-128", -128 },
    { "0127", 127 },
    { "128", 0 },
    { "-129", 0 },
    { "1000", 0 },
    { "99999999999999999999999999", 0 },
    { "-99999999999999999999999999", 0 },
    { "abc", 0 },
    { "1.5", 0 },
    { "1e2", 0 },
    { "0x10", 0 },
    { "+", 0 },
    { "-", 0 },
    { "5 5", 0 },
    { "٣", 0 },  /* an Arabic-Indic digit: not an xs:byte */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("priority '%s'", cases[i].text ? cases[i].text : "(null)");
      g_assert_cmpint (xmpp_presence_parse_priority (cases[i].text), ==, cases[i].value);
    }
}

static void
test_presence_text_truncated (void)
{
  g_autoptr(GString) ascii = g_string_new (NULL);
  g_autoptr(GString) wide = g_string_new (NULL);
  g_autofree char *cut = NULL;
  g_autofree char *wide_cut = NULL;
  g_autofree char *exact = NULL;

  g_assert_null (xmpp_presence_truncate_text (NULL));
  g_assert_null (xmpp_presence_truncate_text (""));

  for (guint i = 0; i < 2000; i++)
    g_string_append_c (ascii, 'a' + i % 26);
  cut = xmpp_presence_truncate_text (ascii->str);
  g_assert_cmpuint (strlen (cut), ==, XMPP_PRESENCE_STATUS_MAX_CHARS);
  g_assert_true (strncmp (cut, ascii->str, XMPP_PRESENCE_STATUS_MAX_CHARS) == 0);

  /* Cut by characters, never inside one. */
  for (guint i = 0; i < 1500; i++)
    g_string_append (wide, "\xc3\xa9\xf0\x9f\x98\x80");  /* é😀 */
  wide_cut = xmpp_presence_truncate_text (wide->str);
  g_assert_true (g_utf8_validate (wide_cut, -1, NULL));
  g_assert_cmpint (g_utf8_strlen (wide_cut, -1), ==, XMPP_PRESENCE_STATUS_MAX_CHARS);

  g_string_truncate (ascii, XMPP_PRESENCE_STATUS_MAX_CHARS);
  exact = xmpp_presence_truncate_text (ascii->str);
  g_assert_cmpstr (exact, ==, ascii->str);
}

static XmppPresenceResource *
parse_resource (const char *xml,
                const char *language,
                guint64     serial)
{
  g_autoptr(XmppNode) presence = parse (xml);
  g_autoptr(XmppJid) from = jid (xmpp_node_get_attribute (presence, "from"));

  return xmpp_presence_resource_parse (presence, from, language, serial);
}

static void
test_presence_resource_parsed (void)
{
  g_autoptr(XmppPresenceResource) r = NULL;
  g_autoptr(XmppPresenceResource) plain = NULL;
  g_autoptr(XmppPresenceResource) german = NULL;
  g_autoptr(XmppPresenceResource) bad = NULL;
  g_autoptr(GDateTime) expected = g_date_time_new_utc (2002, 9, 10, 23, 41, 7);

  r = parse_resource ("<presence from='romeo@example.net/orchard'>"
                      "<show>dnd</show><status>Wooing Juliet</status><priority>1</priority>"
                      "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1'"
                      " node='http://psi-im.org' ver='q07IKJEyjvHSyhy//CH0CxmKi8w='/>"
                      "<delay xmlns='urn:xmpp:delay' from='example.net'"
                      " stamp='2002-09-10T23:41:07Z'/>"
                      "</presence>", NULL, 1);
  g_assert_cmpstr (xmpp_jid_to_string (xmpp_presence_resource_get_jid (r)), ==,
                   "romeo@example.net/orchard");
  g_assert_cmpint (xmpp_presence_resource_get_show (r), ==, XMPP_PRESENCE_SHOW_DND);
  g_assert_cmpstr (xmpp_presence_resource_get_status (r), ==, "Wooing Juliet");
  g_assert_cmpint (xmpp_presence_resource_get_priority (r), ==, 1);
  g_assert_cmpstr (xmpp_presence_resource_get_caps_node (r), ==, "http://psi-im.org");
  g_assert_cmpstr (xmpp_presence_resource_get_caps_ver (r), ==, "q07IKJEyjvHSyhy//CH0CxmKi8w=");
  g_assert_cmpstr (xmpp_presence_resource_get_caps_hash (r), ==, "sha-1");
  g_assert_nonnull (xmpp_presence_resource_get_delay (r));
  g_assert_true (g_date_time_equal (xmpp_presence_resource_get_delay (r), expected));

  plain = parse_resource ("<presence from='romeo@example.net/phone'/>", NULL, 2);
  g_assert_cmpint (xmpp_presence_resource_get_show (plain), ==, XMPP_PRESENCE_SHOW_AVAILABLE);
  g_assert_null (xmpp_presence_resource_get_status (plain));
  g_assert_cmpint (xmpp_presence_resource_get_priority (plain), ==, 0);
  g_assert_null (xmpp_presence_resource_get_caps_ver (plain));
  g_assert_null (xmpp_presence_resource_get_delay (plain));

  /* RFC 6121 §4.7.2.2: the status in our language, else the unlabelled one. */
  german = parse_resource ("<presence from='romeo@example.net/orchard'>"
                           "<status xml:lang='en'>Wooing</status><status>Default</status>"
                           "<status xml:lang='de'>Werbend</status></presence>", "de", 3);
  g_assert_cmpstr (xmpp_presence_resource_get_status (german), ==, "Werbend");
  g_clear_pointer (&german, xmpp_presence_resource_unref);
  german = parse_resource ("<presence from='romeo@example.net/orchard'>"
                           "<status xml:lang='en'>Wooing</status><status>Default</status>"
                           "</presence>", "fr", 4);
  g_assert_cmpstr (xmpp_presence_resource_get_status (german), ==, "Default");

  /* Junk in the extensions is ignored, not fatal. */
  bad = parse_resource ("<presence from='romeo@example.net/orchard'>"
                        "<priority>300</priority><show>busy</show>"
                        "<c xmlns='http://jabber.org/protocol/caps' node='x'/>"
                        "<delay xmlns='urn:xmpp:delay' stamp='yesterday'/></presence>", NULL, 5);
  g_assert_cmpint (xmpp_presence_resource_get_priority (bad), ==, 0);
  g_assert_cmpint (xmpp_presence_resource_get_show (bad), ==, XMPP_PRESENCE_SHOW_AVAILABLE);
  g_assert_null (xmpp_presence_resource_get_caps_ver (bad));
  g_assert_null (xmpp_presence_resource_get_caps_node (bad));
  g_assert_null (xmpp_presence_resource_get_delay (bad));
}

static void
test_presence_best_resource_ranking (void)
{
  g_autoptr(XmppPresenceResource) low_chat = NULL;
  g_autoptr(XmppPresenceResource) high_dnd = NULL;
  g_autoptr(XmppPresenceResource) away = NULL;
  g_autoptr(XmppPresenceResource) xa = NULL;
  g_autoptr(XmppPresenceResource) available = NULL;
  g_autoptr(XmppPresenceResource) chat = NULL;
  g_autoptr(XmppPresenceResource) dnd = NULL;
  g_autoptr(XmppPresenceResource) older = NULL;
  g_autoptr(XmppPresenceResource) newer = NULL;

  /* Priority first. */
  low_chat = parse_resource ("<presence from='r@example.net/a'><show>chat</show>"
                             "<priority>-1</priority></presence>", NULL, 10);
  high_dnd = parse_resource ("<presence from='r@example.net/b'><show>dnd</show>"
                             "<priority>5</priority></presence>", NULL, 1);
  g_assert_cmpint (xmpp_presence_resource_compare (high_dnd, low_chat), >, 0);
  g_assert_cmpint (xmpp_presence_resource_compare (low_chat, high_dnd), <, 0);

  /* Then chat > available > away > xa > dnd. */
  chat = parse_resource ("<presence from='r@example.net/c'><show>chat</show></presence>", NULL, 1);
  available = parse_resource ("<presence from='r@example.net/d'/>", NULL, 2);
  away = parse_resource ("<presence from='r@example.net/e'><show>away</show></presence>", NULL, 3);
  xa = parse_resource ("<presence from='r@example.net/f'><show>xa</show></presence>", NULL, 4);
  dnd = parse_resource ("<presence from='r@example.net/g'><show>dnd</show></presence>", NULL, 5);
  g_assert_cmpint (xmpp_presence_resource_compare (chat, available), >, 0);
  g_assert_cmpint (xmpp_presence_resource_compare (available, away), >, 0);
  g_assert_cmpint (xmpp_presence_resource_compare (away, xa), >, 0);
  g_assert_cmpint (xmpp_presence_resource_compare (xa, dnd), >, 0);

  /* Then the most recent. */
  older = parse_resource ("<presence from='r@example.net/h'><priority>2</priority>"
                          "</presence>", NULL, 7);
  newer = parse_resource ("<presence from='r@example.net/i'><priority>2</priority>"
                          "</presence>", NULL, 8);
  g_assert_cmpint (xmpp_presence_resource_compare (newer, older), >, 0);
  g_assert_cmpint (xmpp_presence_resource_compare (older, older), ==, 0);
}

static void
test_presence_own_presence_built (void)
{
  g_autoptr(XmppNode) full = xmpp_presence_build (XMPP_PRESENCE_SHOW_AWAY, "At the ball", -5, "en");
  g_autoptr(XmppNode) plain = xmpp_presence_build (XMPP_PRESENCE_SHOW_AVAILABLE, "", 0, NULL);
  g_autofree char *full_text = xmpp_node_to_string (full);
  g_autofree char *plain_text = xmpp_node_to_string (plain);

  g_assert_cmpstr (full_text, ==,
                   "<presence xmlns='jabber:client' xml:lang='en'><show>away</show>"
                   "<status>At the ball</status><priority>-5</priority></presence>");
  g_assert_cmpstr (plain_text, ==, "<presence xmlns='jabber:client'/>");
}

/* ------------------------------------------------------------------------
 * Presence: the module, fed stanzas directly
 * ------------------------------------------------------------------------ */

typedef struct
{
  XmppClient   *client;
  XmppPresence *presence;
  Recorder     *recorder;
} PresenceFixture;

static void
resource_changed_cb (XmppPresence         *presence,
                     XmppJid              *full,
                     XmppPresenceResource *resource,
                     Recorder             *r)
{
  g_assert_true (xmpp_jid_equal (full, xmpp_presence_resource_get_jid (resource)));
  g_ptr_array_set_free_func (r->changed, (GDestroyNotify) xmpp_presence_resource_unref);
  g_ptr_array_add (r->changed, xmpp_presence_resource_ref (resource));
}

static void
resource_removed_cb (XmppPresence *presence,
                     XmppJid      *full,
                     Recorder     *r)
{
  g_ptr_array_add (r->removed, xmpp_jid_ref (full));
}

static void
presence_error_cb (XmppPresence *presence,
                   XmppJid      *from,
                   GError       *error,
                   Recorder     *r)
{
  g_ptr_array_add (r->errors, g_error_copy (error));
}

static void
subscription_request_cb (XmppPresence *presence,
                         XmppJid      *from,
                         const char   *nick,
                         const char   *status,
                         Recorder     *r)
{
  g_ptr_array_add (r->requests, g_strdup_printf ("%s|%s|%s", xmpp_jid_to_string (from),
                                                 nick ? nick : "", status ? status : ""));
}

static void
notification_cb (XmppPresence *presence,
                 XmppJid      *from,
                 Recorder     *r)
{
  const char *name = g_signal_name (g_signal_get_invocation_hint (presence)->signal_id);

  g_ptr_array_add (r->notifications, g_strdup_printf ("%s %s", name, xmpp_jid_to_string (from)));
}

static void
prepare_cb (XmppPresence *presence,
            XmppNode     *node,
            Recorder     *r)
{
  g_assert_true (xmpp_node_is (node, "presence", XMPP_NS_CLIENT));
  xmpp_node_add_child_with_attributes (node, "c", "http://jabber.org/protocol/caps",
                                       "hash", "sha-1", "node", "https://natter.im", "ver", "x",
                                       NULL);
  r->prepared++;
}

static void
presence_fixture_set_up (PresenceFixture *f,
                         gconstpointer    data)
{
  f->client = offline_client ();
  f->presence = xmpp_presence_new (f->client);
  f->recorder = recorder_new ();
  g_signal_connect (f->presence, "resource-changed", G_CALLBACK (resource_changed_cb), f->recorder);
  g_signal_connect (f->presence, "resource-removed", G_CALLBACK (resource_removed_cb), f->recorder);
  g_signal_connect (f->presence, "presence-error", G_CALLBACK (presence_error_cb), f->recorder);
  g_signal_connect (f->presence, "subscription-request", G_CALLBACK (subscription_request_cb),
                    f->recorder);
  g_signal_connect (f->presence, "subscribed", G_CALLBACK (notification_cb), f->recorder);
  g_signal_connect (f->presence, "unsubscribed", G_CALLBACK (notification_cb), f->recorder);
  g_signal_connect (f->presence, "unsubscribe", G_CALLBACK (notification_cb), f->recorder);
  g_signal_connect (f->presence, "prepare", G_CALLBACK (prepare_cb), f->recorder);
}

static void
presence_fixture_tear_down (PresenceFixture *f,
                            gconstpointer    data)
{
  g_assert_finalize_object (f->presence);
  g_assert_finalize_object (f->client);
  recorder_free (f->recorder);
}

static gboolean
feed_presence (PresenceFixture *f,
               const char      *xml)
{
  g_autoptr(XmppNode) stanza = parse (xml);

  return xmpp_presence_handle_stanza (f->presence, stanza);
}

static void
test_presence_resources_tracked (PresenceFixture *f,
                                 gconstpointer    data)
{
  g_autoptr(XmppJid) romeo = jid ("romeo@example.net");
  g_autoptr(XmppJid) orchard = jid ("romeo@example.net/orchard");
  g_autoptr(XmppJid) phone = jid ("romeo@example.net/phone");
  g_autoptr(GPtrArray) resources = NULL;
  XmppPresenceResource *best;

  g_assert_true (feed_presence (f, "<presence from='romeo@example.net/orchard'>"
                                   "<show>away</show><priority>1</priority></presence>"));
  g_assert_true (feed_presence (f, "<presence from='romeo@example.net/phone'>"
                                   "<priority>1</priority><status>on the move</status>"
                                   "</presence>"));
  g_assert_cmpuint (f->recorder->changed->len, ==, 2);

  /* Same priority: available beats away. */
  best = xmpp_presence_get_best_resource (f->presence, romeo);
  g_assert_true (xmpp_jid_equal (xmpp_presence_resource_get_jid (best), phone));
  /* A full JID stands for its bare JID here. */
  g_assert_true (xmpp_presence_get_best_resource (f->presence, orchard) == best);
  g_assert_cmpstr (xmpp_presence_resource_get_status (
                     xmpp_presence_lookup_resource (f->presence, phone)), ==, "on the move");

  /* A higher priority wins over show. */
  g_assert_true (feed_presence (f, "<presence from='romeo@example.net/orchard'>"
                                   "<show>xa</show><priority>10</priority></presence>"));
  best = xmpp_presence_get_best_resource (f->presence, romeo);
  g_assert_true (xmpp_jid_equal (xmpp_presence_resource_get_jid (best), orchard));

  resources = xmpp_presence_dup_resources (f->presence, romeo);
  g_assert_cmpuint (resources->len, ==, 2);
  g_assert_true (g_ptr_array_index (resources, 0) == best);

  g_assert_true (feed_presence (f, "<presence from='romeo@example.net/orchard'"
                                   " type='unavailable'/>"));
  g_assert_cmpuint (f->recorder->removed->len, ==, 1);
  g_assert_true (xmpp_jid_equal (g_ptr_array_index (f->recorder->removed, 0), orchard));
  g_assert_null (xmpp_presence_lookup_resource (f->presence, orchard));
  best = xmpp_presence_get_best_resource (f->presence, romeo);
  g_assert_true (xmpp_jid_equal (xmpp_presence_resource_get_jid (best), phone));

  /* Unavailable for a resource we never saw changes nothing. */
  g_assert_true (feed_presence (f, "<presence from='romeo@example.net/attic'"
                                   " type='unavailable'/>"));
  g_assert_cmpuint (f->recorder->removed->len, ==, 1);

  /* Unavailable from the bare JID takes every resource. */
  g_assert_true (feed_presence (f, "<presence from='romeo@example.net/orchard'/>"));
  g_assert_true (feed_presence (f, "<presence from='romeo@example.net' type='unavailable'/>"));
  g_assert_cmpuint (f->recorder->removed->len, ==, 3);
  g_assert_null (xmpp_presence_get_best_resource (f->presence, romeo));
}

static void
test_presence_error_marks_contact (PresenceFixture *f,
                                   gconstpointer    data)
{
  g_autoptr(XmppJid) romeo = jid ("romeo@example.net");
  g_autoptr(XmppJid) mallory = jid ("mallory@evil.example");
  const GError *error;

  g_assert_true (feed_presence (f, "<presence from='romeo@example.net/orchard'/>"));
  g_assert_true (feed_presence (f, "<presence from='romeo@example.net' type='error'>"
                                   "<error type='cancel'><remote-server-not-found"
                                   " xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                                   "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>gone</text>"
                                   "</error></presence>"));
  g_assert_cmpuint (f->recorder->errors->len, ==, 1);
  g_assert_cmpuint (f->recorder->removed->len, ==, 1);
  error = xmpp_presence_get_error (f->presence, romeo);
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_STANZA);
  g_assert_cmpstr (error->message, ==, "remote-server-not-found: gone");
  g_assert_null (xmpp_presence_get_best_resource (f->presence, romeo));

  /* Errors are attributed to their sender only (SECURITY.md #12, #19). */
  g_assert_null (xmpp_presence_get_error (f->presence, mallory));

  /* An error without a condition still counts. */
  g_assert_true (feed_presence (f, "<presence from='mallory@evil.example/x' type='error'/>"));
  g_assert_error (xmpp_presence_get_error (f->presence, mallory), XMPP_ERROR, XMPP_ERROR_STANZA);
  g_assert_nonnull (xmpp_presence_get_error (f->presence, romeo));

  /* Available again: the error is over. */
  g_assert_true (feed_presence (f, "<presence from='romeo@example.net/orchard'/>"));
  g_assert_null (xmpp_presence_get_error (f->presence, romeo));
}

static void
test_presence_subscription_handshake_signalled (PresenceFixture *f,
                                                gconstpointer    data)
{
  g_autoptr(GString) long_nick = g_string_new (NULL);
  g_autofree char *flood = NULL;
  const char *request;

  g_assert_true (feed_presence (f, "<presence from='romeo@example.net/orchard' type='subscribe'>"
                                   "<status>Hi, it is Romeo</status>"
                                   "<nick xmlns='http://jabber.org/protocol/nick'>Romeo M.</nick>"
                                   "</presence>"));
  g_assert_cmpuint (f->recorder->requests->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->recorder->requests, 0), ==,
                   "romeo@example.net|Romeo M.|Hi, it is Romeo");

  for (guint i = 0; i < 3000; i++)
    g_string_append_c (long_nick, 'n');
  flood = g_strdup_printf ("<presence from='tybalt@example.net' type='subscribe'>"
                           "<nick xmlns='http://jabber.org/protocol/nick'>%s</nick></presence>",
                           long_nick->str);
  g_assert_true (feed_presence (f, flood));
  request = g_ptr_array_index (f->recorder->requests, 1);
  g_assert_cmpuint (strlen (request), ==,
                    strlen ("tybalt@example.net|") + XMPP_PRESENCE_STATUS_MAX_CHARS + 1);

  g_assert_true (feed_presence (f, "<presence from='romeo@example.net' type='subscribed'/>"));
  g_assert_true (feed_presence (f, "<presence from='nurse@example.com' type='unsubscribed'/>"));
  g_assert_true (feed_presence (f, "<presence from='benvolio@example.net/x' type='unsubscribe'/>"));
  g_assert_true (feed_presence (f, "<presence from='romeo@example.net' type='probe'/>"));
  g_assert_true (feed_presence (f, "<presence from='romeo@example.net' type='bogus'/>"));
  g_assert_cmpuint (f->recorder->notifications->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (f->recorder->notifications, 0), ==,
                   "subscribed romeo@example.net");
  g_assert_cmpstr (g_ptr_array_index (f->recorder->notifications, 1), ==,
                   "unsubscribed nurse@example.com");
  g_assert_cmpstr (g_ptr_array_index (f->recorder->notifications, 2), ==,
                   "unsubscribe benvolio@example.net");
  g_assert_cmpuint (f->recorder->changed->len, ==, 0);
}

static void
test_presence_muc_and_senderless_left_alone (PresenceFixture *f,
                                             gconstpointer    data)
{
  g_autoptr(XmppJid) room = jid ("room@muc.example.net");

  g_assert_false (feed_presence (f, "<presence from='room@muc.example.net/nick'>"
                                    "<x xmlns='http://jabber.org/protocol/muc#user'/></presence>"));
  g_assert_null (xmpp_presence_get_best_resource (f->presence, room));
  g_assert_true (feed_presence (f, "<presence/>"));
  g_assert_cmpuint (f->recorder->changed->len, ==, 0);
}

static void
test_presence_resources_capped (PresenceFixture *f,
                                gconstpointer    data)
{
  g_autoptr(XmppJid) mallory = jid ("mallory@evil.example");
  g_autoptr(GPtrArray) resources = NULL;

  for (guint i = 0; i < XMPP_PRESENCE_MAX_RESOURCES + 10; i++)
    {
      g_autofree char *xml = g_strdup_printf ("<presence from='mallory@evil.example/r%u'/>", i);

      g_assert_true (feed_presence (f, xml));
    }
  resources = xmpp_presence_dup_resources (f->presence, mallory);
  g_assert_cmpuint (resources->len, ==, XMPP_PRESENCE_MAX_RESOURCES);

  /* Known resources can still update. */
  g_assert_true (feed_presence (f, "<presence from='mallory@evil.example/r0'><show>dnd</show>"
                                   "</presence>"));
  g_assert_cmpuint (f->recorder->changed->len, ==, XMPP_PRESENCE_MAX_RESOURCES + 1);
}

static void
test_presence_own_devices_tracked (PresenceFixture *f,
                                   gconstpointer    data)
{
  g_autoptr(GPtrArray) own = NULL;

  g_assert_true (feed_presence (f, "<presence from='juliet@example.com/balcony'>"
                                   "<priority>3</priority></presence>"));
  g_assert_true (feed_presence (f, "<presence from='juliet@example.com/chamber'/>"));
  g_assert_true (feed_presence (f, "<presence from='romeo@example.net/orchard'/>"));
  own = xmpp_presence_dup_own_resources (f->presence);
  g_assert_cmpuint (own->len, ==, 2);
  g_assert_cmpstr (xmpp_jid_to_string (xmpp_presence_resource_get_jid (g_ptr_array_index (own, 0))),
                   ==, "juliet@example.com/balcony");
}

static void
test_presence_own_state_notifies (PresenceFixture *f,
                                  gconstpointer    data)
{
  guint count = 0;

  g_signal_connect (f->presence, "notify", G_CALLBACK (count_notify_cb), &count);

  xmpp_presence_set_own (f->presence, XMPP_PRESENCE_SHOW_DND, "Busy", 5);
  g_assert_cmpuint (count, ==, 3);
  g_assert_cmpint (xmpp_presence_get_show (f->presence), ==, XMPP_PRESENCE_SHOW_DND);
  g_assert_cmpstr (xmpp_presence_get_status (f->presence), ==, "Busy");
  g_assert_cmpint (xmpp_presence_get_priority (f->presence), ==, 5);

  /* Setting the same again notifies nothing and, not announced, sends nothing. */
  xmpp_presence_set_own (f->presence, XMPP_PRESENCE_SHOW_DND, "Busy", 5);
  g_assert_cmpuint (count, ==, 3);
  g_assert_cmpint (f->recorder->prepared, ==, 0);

  /* Announcing runs ::prepare; later changes are sent as they happen. */
  xmpp_presence_send_own (f->presence);
  g_assert_true (xmpp_presence_get_announced (f->presence));
  g_assert_cmpuint (count, ==, 4);
  g_assert_cmpint (f->recorder->prepared, ==, 1);
  xmpp_presence_set_own (f->presence, XMPP_PRESENCE_SHOW_AVAILABLE, NULL, 5);
  g_assert_cmpint (f->recorder->prepared, ==, 2);
  g_assert_cmpuint (count, ==, 6);

  xmpp_presence_send_unavailable (f->presence, "bye");
  g_assert_false (xmpp_presence_get_announced (f->presence));
  g_assert_cmpuint (count, ==, 7);

  xmpp_presence_set_language (f->presence, "en");
  g_assert_cmpstr (xmpp_presence_get_language (f->presence), ==, "en");
  g_signal_handlers_disconnect_by_data (f->presence, &count);
}

static void
test_presence_forget_and_unsubscribe (PresenceFixture *f,
                                      gconstpointer    data)
{
  g_autoptr(XmppJid) romeo = jid ("romeo@example.net/orchard");
  g_autoptr(XmppJid) nurse = jid ("nurse@example.com");

  g_assert_true (feed_presence (f, "<presence from='romeo@example.net/orchard'/>"));
  g_assert_true (feed_presence (f, "<presence from='romeo@example.net/phone'/>"));
  g_assert_true (feed_presence (f, "<presence from='nurse@example.com/kitchen'/>"));

  /* A full JID stands for its bare JID. */
  xmpp_presence_forget (f->presence, romeo);
  g_assert_cmpuint (f->recorder->removed->len, ==, 2);
  g_assert_null (xmpp_presence_get_best_resource (f->presence, romeo));
  xmpp_presence_forget (f->presence, romeo);
  g_assert_cmpuint (f->recorder->removed->len, ==, 2);

  xmpp_presence_unsubscribe (f->presence, nurse);
  g_assert_cmpuint (f->recorder->removed->len, ==, 3);
  g_assert_null (xmpp_presence_get_best_resource (f->presence, nurse));
}

static void
test_presence_stale_resources_cleared (PresenceFixture *f,
                                       gconstpointer    data)
{
  g_autoptr(XmppJid) romeo = jid ("romeo@example.net");

  g_assert_true (feed_presence (f, "<presence from='romeo@example.net/orchard'/>"));
  xmpp_presence_send_own (f->presence);
  g_assert_true (xmpp_presence_get_announced (f->presence));

  /* A resumed session keeps everything. */
  g_signal_emit_by_name (f->client, "online", TRUE);
  g_assert_nonnull (xmpp_presence_get_best_resource (f->presence, romeo));
  g_assert_true (xmpp_presence_get_announced (f->presence));

  /* A fresh one starts from nothing. */
  g_signal_emit_by_name (f->client, "online", FALSE);
  g_assert_null (xmpp_presence_get_best_resource (f->presence, romeo));
  g_assert_false (xmpp_presence_get_announced (f->presence));
  g_assert_cmpuint (f->recorder->removed->len, ==, 1);

  /* A session that ended for good (the client is DISCONNECTED) as well. */
  g_assert_true (feed_presence (f, "<presence from='romeo@example.net/orchard'/>"));
  g_assert_true (feed_presence (f, "<presence from='tybalt@example.net' type='error'/>"));
  g_signal_emit_by_name (f->client, "disconnected", NULL);
  g_assert_null (xmpp_presence_get_best_resource (f->presence, romeo));
  g_assert_cmpuint (f->recorder->removed->len, ==, 2);
}

static void
test_presence_preapproval_needs_server_support (PresenceFixture *f,
                                                gconstpointer    data)
{
  g_autoptr(XmppJid) romeo = jid ("romeo@example.net");
  g_autoptr(GError) error = NULL;

  /* Never connected: no stream features, so no pre-approval. */
  g_assert_false (xmpp_presence_can_preapprove (f->presence));
  g_assert_false (xmpp_presence_preapprove (f->presence, romeo, &error));
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_FAILED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/natter/xmpp/roster/result-items-parsed", test_roster_result_items_parsed);
  g_test_add_func ("/natter/xmpp/roster/result-bad-items-ignored",
                   test_roster_result_bad_items_ignored);
  g_test_add_func ("/natter/xmpp/roster/item-parse-errors", test_roster_item_parse_errors);
  g_test_add_func ("/natter/xmpp/roster/push-needs-exactly-one-item",
                   test_roster_push_needs_exactly_one_item);
  g_test_add_func ("/natter/xmpp/roster/requests-built", test_roster_requests_built);
  g_test_add_func ("/natter/xmpp/roster/item-new-and-equal", test_roster_item_new_and_equal);
  g_test_add ("/natter/xmpp/roster/push-from-account-applied", RosterFixture, NULL,
              roster_fixture_set_up, test_roster_push_from_account_applied,
              roster_fixture_tear_down);
  g_test_add ("/natter/xmpp/roster/cve-2015-8688-push-from-others-ignored", RosterFixture, NULL,
              roster_fixture_set_up, test_roster_cve_2015_8688_push_from_others_ignored,
              roster_fixture_tear_down);
  g_test_add ("/natter/xmpp/roster/bad-push-and-other-iqs", RosterFixture, NULL,
              roster_fixture_set_up, test_roster_bad_push_and_other_iqs, roster_fixture_tear_down);
  g_test_add ("/natter/xmpp/roster/result-replaces-and-versions", RosterFixture, NULL,
              roster_fixture_set_up, test_roster_result_replaces_and_versions,
              roster_fixture_tear_down);
  g_test_add ("/natter/xmpp/roster/version-notifies-once", RosterFixture, NULL,
              roster_fixture_set_up, test_roster_version_notifies_once, roster_fixture_tear_down);
  g_test_add ("/natter/xmpp/roster/fetch-offline-fails", RosterFixture, NULL,
              roster_fixture_set_up, test_roster_fetch_offline_fails, roster_fixture_tear_down);
  g_test_add_func ("/natter/xmpp/roster/dispose-during-fetch-is-safe",
                   test_roster_dispose_during_fetch_is_safe);

  g_test_add_func ("/natter/xmpp/presence/show-parsed", test_presence_show_parsed);
  g_test_add_func ("/natter/xmpp/presence/priority-bounds", test_presence_priority_bounds);
  g_test_add_func ("/natter/xmpp/presence/text-truncated", test_presence_text_truncated);
  g_test_add_func ("/natter/xmpp/presence/resource-parsed", test_presence_resource_parsed);
  g_test_add_func ("/natter/xmpp/presence/best-resource-ranking",
                   test_presence_best_resource_ranking);
  g_test_add_func ("/natter/xmpp/presence/own-presence-built", test_presence_own_presence_built);
  g_test_add ("/natter/xmpp/presence/resources-tracked", PresenceFixture, NULL,
              presence_fixture_set_up, test_presence_resources_tracked, presence_fixture_tear_down);
  g_test_add ("/natter/xmpp/presence/error-marks-contact", PresenceFixture, NULL,
              presence_fixture_set_up, test_presence_error_marks_contact,
              presence_fixture_tear_down);
  g_test_add ("/natter/xmpp/presence/subscription-handshake-signalled", PresenceFixture, NULL,
              presence_fixture_set_up, test_presence_subscription_handshake_signalled,
              presence_fixture_tear_down);
  g_test_add ("/natter/xmpp/presence/muc-and-senderless-left-alone", PresenceFixture, NULL,
              presence_fixture_set_up, test_presence_muc_and_senderless_left_alone,
              presence_fixture_tear_down);
  g_test_add ("/natter/xmpp/presence/resources-capped", PresenceFixture, NULL,
              presence_fixture_set_up, test_presence_resources_capped, presence_fixture_tear_down);
  g_test_add ("/natter/xmpp/presence/own-devices-tracked", PresenceFixture, NULL,
              presence_fixture_set_up, test_presence_own_devices_tracked,
              presence_fixture_tear_down);
  g_test_add ("/natter/xmpp/presence/own-state-notifies", PresenceFixture, NULL,
              presence_fixture_set_up, test_presence_own_state_notifies,
              presence_fixture_tear_down);
  g_test_add ("/natter/xmpp/presence/forget-and-unsubscribe", PresenceFixture, NULL,
              presence_fixture_set_up, test_presence_forget_and_unsubscribe,
              presence_fixture_tear_down);
  g_test_add ("/natter/xmpp/presence/stale-resources-cleared", PresenceFixture, NULL,
              presence_fixture_set_up, test_presence_stale_resources_cleared,
              presence_fixture_tear_down);
  g_test_add ("/natter/xmpp/presence/preapproval-needs-server-support", PresenceFixture, NULL,
              presence_fixture_set_up, test_presence_preapproval_needs_server_support,
              presence_fixture_tear_down);

  return g_test_run ();
}
