/* test-core-omemo-message.c: sealing a message for OMEMO, and opening what cannot be read
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "core/natter-omemo-message.h"

#define HEADER "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' " \
               "from='example.org' id='s1' version='1.0'>"

static void
collect_stanza_cb (XmppReader *reader,
                   XmppNode   *stanza,
                   gpointer    user_data)
{
  *(XmppNode **) user_data = xmpp_node_ref (stanza);
}

static XmppMessage *
parse (const char *xml)
{
  static const XmppReaderCallbacks callbacks = { NULL, collect_stanza_cb, NULL };
  g_autoptr(XmppReader) reader = NULL;
  g_autoptr(XmppNode) stanza = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strconcat (HEADER, xml, NULL);
  XmppMessage *message;

  reader = xmpp_reader_new (&callbacks, &stanza, NULL);
  g_assert_true (xmpp_reader_feed (reader, text, strlen (text), &error));
  g_assert_no_error (error);
  message = xmpp_message_parse (stanza, NULL, &error);
  g_assert_no_error (error);
  return message;
}

static void
test_seal (void)
{
  g_autoptr(XmppJid) to = xmpp_jid_new ("bob@example.org", NULL);
  g_autoptr(XmppNode) stanza = xmpp_message_build_chat (to, "origin-1", "the secret");
  g_autoptr(XmppNode) encrypted = xmpp_node_new ("encrypted", XMPP_NS_OMEMO_LEGACY);
  g_autofree char *xml = NULL;

  natter_omemo_message_seal (stanza, encrypted);
  xml = xmpp_node_to_string (stanza);
  /* The plaintext is gone; the fallback, the marker and the hint are there. */
  g_assert_null (strstr (xml, "the secret"));
  g_assert_cmpstr (xmpp_node_get_child_text (stanza, "body", XMPP_NS_CLIENT), ==,
                   NATTER_OMEMO_FALLBACK_BODY);
  g_assert_nonnull (xmpp_node_get_child (stanza, "encrypted", XMPP_NS_OMEMO_LEGACY));
  g_assert_cmpstr (xmpp_node_get_attribute (xmpp_node_get_child (stanza, "encryption",
                                                                 "urn:xmpp:eme:0"),
                                            "namespace"), ==, XMPP_NS_OMEMO_LEGACY);
  g_assert_nonnull (xmpp_node_get_child (stanza, "store", "urn:xmpp:hints"));
  g_assert_nonnull (xmpp_node_get_child (stanza, "origin-id", XMPP_NS_STANZA_ID));
}

static void
test_open (void)
{
  g_autoptr(XmppMessage) plain = parse ("<message from='bob@example.org/phone' type='chat'>"
                                        "<body>hello</body></message>");
  g_autoptr(XmppMessage) sealed = parse ("<message from='bob@example.org/phone' type='chat'>"
                                         "<body>I sent you an OMEMO encrypted message…</body>"
                                         "<encrypted xmlns='eu.siacs.conversations.axolotl'>"
                                         "<header sid='7'><key rid='9'>AAAA</key><iv>AAAAAAAAAAAAAAAA</iv>"
                                         "</header><payload>AAAA</payload></encrypted></message>");
  g_autoptr(NatterStoreMessage) record = natter_store_message_new ();

  /* A plaintext message passes untouched. */
  record->direction = NATTER_STORE_DIRECTION_IN;
  record->state = NATTER_STORE_MESSAGE_STATE_RECEIVED;
  record->body = g_strdup ("hello");
  g_assert_true (natter_omemo_message_open (NULL, plain, record));
  g_assert_cmpstr (record->body, ==, "hello");
  g_assert_cmpint (record->encryption, ==, NATTER_STORE_ENCRYPTION_NONE);

  /* An encrypted one this device cannot read is kept, without the
   * fallback body, saying why. */
  g_clear_pointer (&record->body, g_free);
  record->body = g_strdup ("I sent you an OMEMO encrypted message…");
  g_assert_true (natter_omemo_message_open (NULL, sealed, record));
  g_assert_null (record->body);
  g_assert_cmpint (record->encryption, ==, NATTER_STORE_ENCRYPTION_OMEMO);
  g_assert_cmpint (record->state, ==, NATTER_STORE_MESSAGE_STATE_UNDECRYPTABLE);
  g_assert_nonnull (record->error);
  g_assert_cmpstr (record->error, !=, "");
}

/* A key transport element goes out without body, kept by the archive,
 * and comes back as one: taken, nothing stored. */
static void
test_key_transport (void)
{
  g_autoptr(NatterOmemoEncrypted) encrypted = natter_omemo_encrypted_new ();
  g_autoptr(XmppNode) stanza = NULL;
  g_autoptr(XmppMessage) message = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *from = NULL;
  static const guint8 key[32] = { 1, };
  static const guint8 iv[12] = { 2, };
  g_autoptr(GBytes) key_bytes = g_bytes_new_static (key, sizeof key);

  encrypted->sid = 7;
  encrypted->iv = g_bytes_new_static (iv, sizeof iv);
  g_ptr_array_add (encrypted->keys,
                   natter_omemo_key_new (9, TRUE, key_bytes));
  stanza = natter_omemo_message_build_key_transport ("bob@example.org", encrypted);
  g_assert_null (xmpp_node_get_child (stanza, "body", XMPP_NS_CLIENT));
  g_assert_nonnull (xmpp_node_get_child (stanza, "store", "urn:xmpp:hints"));
  g_assert_nonnull (xmpp_node_get_child (stanza, "encrypted", XMPP_NS_OMEMO_LEGACY));
  g_assert_cmpstr (xmpp_node_get_attribute (stanza, "to"), ==, "bob@example.org");

  /* As it arrives: recognised without an OMEMO to decrypt with. */
  xmpp_node_set_attributes (stanza, "from", "alice@example.org/laptop", NULL);
  xml = xmpp_node_to_string (stanza);
  message = parse (xml);
  g_assert_true (natter_omemo_message_take_key_transport (NULL, message));
  g_clear_pointer (&message, xmpp_message_unref);
  message = parse ("<message from='alice@example.org/laptop' type='chat'>"
                   "<body>not one</body></message>");
  g_assert_false (natter_omemo_message_take_key_transport (NULL, message));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/natter/core/omemo-message/seal", test_seal);
  g_test_add_func ("/natter/core/omemo-message/open-without-keys", test_open);
  g_test_add_func ("/natter/core/omemo-message/key-transport", test_key_transport);

  return g_test_run ();
}
