/* test-xmpp-blocking.c: the blocklist against a real Prosody
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "natter-test-xmpp.h"

typedef struct
{
  NatterTestServer *server;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *names[] = { "alice", "bob", "mallory" };

  fixture->server = natter_test_server_start (NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      natter_test_server_add_account (fixture->server, names[i], "secret", &error);
      g_assert_no_error (error);
    }
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->server, natter_test_server_free);
}

static void
flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
count_message (XmppClient *client,
               XmppNode   *stanza,
               gpointer    user_data)
{
  (*(guint *) user_data)++;
  return TRUE;
}

static XmppJid *
jid (const char *text)
{
  XmppJid *parsed = xmpp_jid_new (text, NULL);

  g_assert_nonnull (parsed);
  return parsed;
}

static void
block (XmppBlocking *blocking,
       const char   *text,
       gboolean      unblock)
{
  g_autoptr(XmppJid) target = text != NULL ? jid (text) : NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;
  gboolean ok;

  if (unblock)
    xmpp_blocking_unblock_async (blocking, target, NULL, done_cb, &result);
  else
    xmpp_blocking_block_async (blocking, target, NULL, done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  ok = unblock ? xmpp_blocking_unblock_finish (blocking, result, &error)
               : xmpp_blocking_block_finish (blocking, result, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_object_unref (result);
}

static void
send_chat (XmppClient *from,
           const char *to)
{
  g_autoptr(XmppNode) message = xmpp_node_build ("message", XMPP_NS_CLIENT, "to", to, "type", "chat", NULL);

  xmpp_node_add_text_child (message, "body", XMPP_NS_CLIENT, "hello");
  xmpp_client_send (from, message);
}

static void
test_block_follows_every_device (Fixture       *fixture,
                                 gconstpointer  data)
{
  XmppClient *laptop = natter_test_client_new (fixture->server, "alice@natter.test/laptop", "secret");
  XmppClient *phone = natter_test_client_new (fixture->server, "alice@natter.test/phone", "secret");
  XmppClient *bob = natter_test_client_new (fixture->server, "bob@natter.test/desk", "secret");
  XmppBlocking *laptop_list = xmpp_blocking_new (laptop);
  XmppBlocking *phone_list = xmpp_blocking_new (phone);
  g_autoptr(XmppJid) bob_jid = jid ("bob@natter.test/desk");
  g_autoptr(XmppJid) anyone_evil = jid ("anyone@evil.example/x");
  g_autoptr(GPtrArray) items = NULL;
  gboolean phone_changed = FALSE;
  gboolean loaded = FALSE;
  guint received = 0;

  g_signal_connect_swapped (phone_list, "notify::loaded", G_CALLBACK (flag_cb), &loaded);
  xmpp_client_add_handler (laptop, "message", "body", XMPP_NS_CLIENT, count_message, &received, NULL);
  natter_test_client_go_online (laptop);
  natter_test_client_go_online (phone);
  natter_test_client_go_online (bob);
  natter_test_wait_for (&loaded, "the blocklist");
  g_assert_false (xmpp_blocking_is_blocked (laptop_list, bob_jid));

  /* Blocked from the laptop: the phone hears of it through the server. */
  g_signal_connect_swapped (phone_list, "changed", G_CALLBACK (flag_cb), &phone_changed);
  block (laptop_list, "bob@natter.test", FALSE);
  natter_test_wait_for (&phone_changed, "the push on the other device");
  g_assert_true (xmpp_blocking_is_blocked (phone_list, bob_jid));
  g_assert_true (xmpp_blocking_is_blocked (laptop_list, bob_jid));

  /* And the server enforces it. */
  send_chat (bob, "alice@natter.test/laptop");
  natter_test_spin (500);
  g_assert_cmpuint (received, ==, 0);

  /* A domain item blocks everyone there. */
  block (laptop_list, "evil.example", FALSE);
  g_assert_true (xmpp_blocking_is_blocked (laptop_list, anyone_evil));
  items = xmpp_blocking_dup_items (laptop_list);
  g_assert_cmpuint (items->len, ==, 2);
  g_assert_cmpstr (xmpp_jid_to_string (g_ptr_array_index (items, 0)), ==, "bob@natter.test");
  g_assert_cmpstr (xmpp_jid_to_string (g_ptr_array_index (items, 1)), ==, "evil.example");

  /* Unblocked, bob gets through again. */
  block (laptop_list, "bob@natter.test", TRUE);
  g_assert_false (xmpp_blocking_is_blocked (laptop_list, bob_jid));
  send_chat (bob, "alice@natter.test/laptop");
  while (received == 0)
    g_main_context_iteration (NULL, TRUE);

  /* Unblocking everything empties the list on every device.  Earlier
   * pushes may still be on their way to the phone: wait for the state,
   * not for one more signal. */
  block (laptop_list, NULL, TRUE);
  {
    gint64 deadline = g_get_monotonic_time () + NATTER_TEST_WAIT_S * G_USEC_PER_SEC;

    do
      {
        g_clear_pointer (&items, g_ptr_array_unref);
        items = xmpp_blocking_dup_items (phone_list);
        if (items->len > 0)
          g_main_context_iteration (NULL, FALSE);
      }
    while (items->len > 0 && g_get_monotonic_time () < deadline);
  }
  g_assert_cmpuint (items->len, ==, 0);

  g_assert_finalize_object (laptop_list);
  g_assert_finalize_object (phone_list);
  natter_test_client_finish (laptop);
  natter_test_client_finish (phone);
  natter_test_client_finish (bob);
}

static void
test_list_fetched_on_connect (Fixture       *fixture,
                              gconstpointer  data)
{
  XmppClient *first = natter_test_client_new (fixture->server, "alice@natter.test/laptop", "secret");
  XmppBlocking *first_list = xmpp_blocking_new (first);
  XmppClient *second;
  XmppBlocking *second_list;
  g_autoptr(XmppJid) mallory = jid ("mallory@natter.test");
  gboolean loaded = FALSE;

  natter_test_client_go_online (first);
  block (first_list, "mallory@natter.test", FALSE);
  g_assert_finalize_object (first_list);
  natter_test_client_finish (first);

  second = natter_test_client_new (fixture->server, "alice@natter.test/laptop", "secret");
  second_list = xmpp_blocking_new (second);
  g_signal_connect_swapped (second_list, "notify::loaded", G_CALLBACK (flag_cb), &loaded);
  natter_test_client_go_online (second);
  natter_test_wait_for (&loaded, "the blocklist");
  g_assert_true (xmpp_blocking_is_blocked (second_list, mallory));

  g_assert_finalize_object (second_list);
  natter_test_client_finish (second);
}

/* SECURITY row 6 for XEP-0191: a blocklist push from anyone but our own
 * account changes nothing and is refused. */
static void
test_spoofed_push_ignored (Fixture       *fixture,
                           gconstpointer  data)
{
  XmppClient *alice = natter_test_client_new (fixture->server, "alice@natter.test/laptop", "secret");
  XmppClient *mallory = natter_test_client_new (fixture->server, "mallory@natter.test/evil", "secret");
  XmppBlocking *list = xmpp_blocking_new (alice);
  g_autoptr(XmppNode) push = xmpp_node_build ("iq", XMPP_NS_CLIENT, "type", "set",
                                              "to", "alice@natter.test/laptop", NULL);
  g_autoptr(XmppNode) answer = NULL;
  g_autoptr(XmppJid) bob = jid ("bob@natter.test");
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;
  gboolean changed = FALSE;
  gboolean loaded = FALSE;

  g_signal_connect_swapped (list, "notify::loaded", G_CALLBACK (flag_cb), &loaded);
  natter_test_client_go_online (alice);
  natter_test_client_go_online (mallory);
  natter_test_wait_for (&loaded, "the blocklist");
  g_signal_connect_swapped (list, "changed", G_CALLBACK (flag_cb), &changed);

  xmpp_node_add_child_with_attributes (xmpp_node_add_child (push, "block", XMPP_NS_BLOCKING),
                                       "item", XMPP_NS_BLOCKING, "jid", "bob@natter.test", NULL);
  xmpp_client_iq_async (mallory, push, NULL, done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  answer = xmpp_client_iq_finish (mallory, result, &error);
  g_object_unref (result);

  g_assert_null (answer);
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_STANZA);
  g_assert_true (g_str_has_prefix (error->message, "service-unavailable"));
  g_assert_false (changed);
  g_assert_false (xmpp_blocking_is_blocked (list, bob));
  items = xmpp_blocking_dup_items (list);
  g_assert_cmpuint (items->len, ==, 0);

  g_assert_finalize_object (list);
  natter_test_client_finish (alice);
  natter_test_client_finish (mallory);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/natter/xmpp/blocking/block-follows-every-device", Fixture, NULL,
              fixture_set_up, test_block_follows_every_device, fixture_tear_down);
  g_test_add ("/natter/xmpp/blocking/list-fetched-on-connect", Fixture, NULL,
              fixture_set_up, test_list_fetched_on_connect, fixture_tear_down);
  g_test_add ("/natter/xmpp/blocking/cve-2015-8688-style-spoofed-push-ignored", Fixture, NULL,
              fixture_set_up, test_spoofed_push_ignored, fixture_tear_down);

  return g_test_run ();
}
