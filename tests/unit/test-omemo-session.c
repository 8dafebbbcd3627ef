/* test-omemo-session.c: alice and bob talk OMEMO over two databases; nothing bad gets through
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each peer has its own SQLite store and NatterOmemoSession.  Every
 * element goes through its XML form on the way, as it would on the wire.
 */
#include "config.h"

#include <string.h>

#include "omemo/omemo.h"
#include "omemo/natter-omemo-keys.h"
#include "store/store.h"

#define ALICE "alice@example.org"
#define BOB "bob@example.org"

typedef struct
{
  NatterStore        *store;
  gint64              account_id;
  NatterOmemoSession *omemo;
  char               *jid;
} Peer;

static Peer *
peer_new (const char *jid,
          const char *file)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "omemo-tests", NULL);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  g_autoptr(NatterStoreAccount) account = natter_store_account_new ();
  g_autoptr(GError) error = NULL;
  Peer *peer = g_new0 (Peer, 1);

  g_assert_no_errno (g_mkdir_with_parents (dir, 0700));
  peer->jid = g_strdup (jid);
  peer->store = natter_store_open (path, &error);
  g_assert_no_error (error);
  account->jid = g_strdup (jid);
  g_assert_true (natter_store_add_account (peer->store, account, &error));
  g_assert_no_error (error);
  peer->account_id = account->id;
  peer->omemo = natter_omemo_session_new (peer->store, peer->account_id, jid, &error);
  g_assert_no_error (error);
  g_assert_nonnull (peer->omemo);
  return peer;
}

static void
peer_free (Peer *peer)
{
  g_assert_finalize_object (peer->omemo);
  natter_store_close (peer->store);
  g_assert_finalize_object (peer->store);
  g_free (peer->jid);
  g_free (peer);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Peer, peer_free)

static guint32
device_of (Peer *peer)
{
  return natter_omemo_session_get_device_id (peer->omemo);
}

/* The bundle @from publishes, as @to reads it off the wire. */
static NatterOmemoBundle *
fetch_bundle (Peer *from)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NatterOmemoBundle) published = natter_omemo_session_dup_bundle (from->omemo, &error);
  g_autoptr(XmppNode) node = NULL;
  NatterOmemoBundle *bundle;

  g_assert_no_error (error);
  node = natter_omemo_bundle_to_node (published);
  bundle = natter_omemo_bundle_parse (node, &error);
  g_assert_no_error (error);
  return bundle;
}

/* @from learns @to's device list and builds a session from its bundle. */
static void
introduce (Peer *from,
           Peer *to)
{
  g_autoptr(NatterOmemoBundle) bundle = fetch_bundle (to);
  g_autoptr(GError) error = NULL;
  guint32 device = device_of (to);

  g_assert_true (natter_omemo_session_set_device_list (from->omemo, to->jid, &device, 1, &error));
  g_assert_true (natter_omemo_session_process_bundle (from->omemo, to->jid, device, bundle,
                                                      &error));
  g_assert_no_error (error);
  g_assert_true (natter_omemo_session_has_session (from->omemo, to->jid, device));
}

/* Encrypts for @to's JID and passes the element through XML. */
static NatterOmemoEncrypted *
send_to (Peer       *from,
         const char *to,
         const char *body)
{
  const char *jids[] = { to, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(NatterOmemoEncrypted) encrypted = NULL;
  g_autoptr(XmppNode) node = NULL;
  NatterOmemoEncrypted *parsed;

  encrypted = natter_omemo_session_encrypt (from->omemo, body, jids, &error);
  g_assert_no_error (error);
  g_assert_nonnull (encrypted);
  g_assert_cmpuint (encrypted->sid, ==, device_of (from));
  g_assert_cmpuint (g_bytes_get_size (encrypted->iv), ==, 12);
  node = natter_omemo_encrypted_to_node (encrypted);
  parsed = natter_omemo_encrypted_parse (node, &error);
  g_assert_no_error (error);
  return parsed;
}

static NatterOmemoDecrypted *
receive_ok (Peer                 *peer,
            const char           *from,
            NatterOmemoEncrypted *encrypted,
            const char           *expected)
{
  g_autoptr(GError) error = NULL;
  NatterOmemoDecrypted *decrypted;

  decrypted = natter_omemo_session_decrypt (peer->omemo, from, encrypted, &error);
  g_assert_no_error (error);
  g_assert_nonnull (decrypted);
  g_assert_cmpstr (decrypted->body, ==, expected);
  return decrypted;
}

static void
receive_fails (Peer                 *peer,
               const char           *from,
               NatterOmemoEncrypted *encrypted,
               NatterOmemoError      code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NatterOmemoDecrypted) decrypted = NULL;

  decrypted = natter_omemo_session_decrypt (peer->omemo, from, encrypted, &error);
  g_assert_error (error, NATTER_OMEMO_ERROR, (gint) code);
  g_assert_null (decrypted);
  g_test_message ("refused as expected: %s", error->message);
}

static GBytes *
flip (GBytes *bytes,
      gsize   offset)
{
  gsize length = 0;
  guint8 *copy = g_bytes_unref_to_data (g_bytes_ref (bytes), &length);

  g_assert_cmpuint (offset, <, length);
  copy[offset] ^= 0x01;
  return g_bytes_new_take (copy, length);
}

/* A copy of @encrypted, to tamper with. */
static NatterOmemoEncrypted *
copy_encrypted (NatterOmemoEncrypted *encrypted)
{
  g_autoptr(XmppNode) node = natter_omemo_encrypted_to_node (encrypted);

  return natter_omemo_encrypted_parse (node, NULL);
}

static void
test_keys_and_fingerprint (void)
{
  g_autoptr(Peer) alice = peer_new (ALICE, "alice-keys.db");
  g_autoptr(NatterOmemoBundle) bundle = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = natter_omemo_session_dup_fingerprint (alice->omemo);
  g_autofree char *expected = NULL;
  guint32 device = device_of (alice);

  g_assert_cmpuint (device, >=, 1);
  g_assert_cmpuint (device, <=, 0x7fffffff);
  bundle = natter_omemo_session_dup_bundle (alice->omemo, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bundle->pre_keys->len, ==, NATTER_OMEMO_PRE_KEY_COUNT);
  expected = natter_omemo_fingerprint_format (bundle->identity_key);
  g_assert_cmpstr (fingerprint, ==, expected);
  g_assert_cmpuint (strlen (fingerprint), ==, 71);

  /* Opening again keeps the identity. */
  g_clear_object (&alice->omemo);
  alice->omemo = natter_omemo_session_new (alice->store, alice->account_id, ALICE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (device_of (alice), ==, device);
  {
    g_autofree char *again = natter_omemo_session_dup_fingerprint (alice->omemo);

    g_assert_cmpstr (again, ==, fingerprint);
  }
}

/* Pre-key message, reply, normal messages both ways. */
static void
test_exchange (void)
{
  g_autoptr(Peer) alice = peer_new (ALICE, "alice-exchange.db");
  g_autoptr(Peer) bob = peer_new (BOB, "bob-exchange.db");
  g_autoptr(NatterOmemoEncrypted) first = NULL;
  g_autoptr(NatterOmemoEncrypted) second = NULL;
  g_autoptr(NatterOmemoEncrypted) reply = NULL;
  g_autoptr(NatterOmemoEncrypted) after = NULL;
  g_autoptr(NatterOmemoDecrypted) got = NULL;
  g_autoptr(NatterOmemoBundle) bob_before = fetch_bundle (bob);
  g_autoptr(NatterOmemoBundle) bob_after = NULL;
  g_autoptr(GError) error = NULL;
  guint32 alice_device = device_of (alice);
  NatterOmemoKey *key;
  guint32 used = 0;
  guint32 first_used = 0;
  gboolean changed = TRUE;

  introduce (alice, bob);

  first = send_to (alice, BOB, "Hello Bob! Grüße 👋");
  g_assert_cmpuint (first->keys->len, ==, 1);
  key = g_ptr_array_index (first->keys, 0);
  g_assert_cmpuint (key->rid, ==, device_of (bob));
  g_assert_true (key->prekey);
  g_assert_nonnull (first->payload);

  /* Until bob answers, alice's messages stay pre-key messages. */
  second = send_to (alice, BOB, "Are you there?");
  g_assert_true (((NatterOmemoKey *) g_ptr_array_index (second->keys, 0))->prekey);

  got = receive_ok (bob, ALICE, first, "Hello Bob! Grüße 👋");
  g_assert_true (got->pre_key_message);
  g_assert_true (got->bundle_changed);
  first_used = got->used_pre_key_id;
  g_assert_cmpuint (got->sender_device, ==, alice_device);
  /* Blind trust before verification. */
  g_assert_cmpint (got->trust, ==, NATTER_STORE_OMEMO_TRUST_TRUSTED);
  g_clear_pointer (&got, natter_omemo_decrypted_free);

  /* The used pre-key is gone and replaced: still 100, one id different. */
  bob_after = fetch_bundle (bob);
  g_assert_cmpuint (bob_after->pre_keys->len, ==, NATTER_OMEMO_PRE_KEY_COUNT);
  for (guint i = 0; i < bob_before->pre_keys->len && used == 0; i++)
    {
      guint32 id = ((NatterOmemoPreKeyPublic *) bob_before->pre_keys->pdata[i])->id;
      gboolean still = FALSE;

      for (guint j = 0; j < bob_after->pre_keys->len; j++)
        still |= ((NatterOmemoPreKeyPublic *) bob_after->pre_keys->pdata[j])->id == id;
      if (!still)
        used = id;
    }
  g_assert_cmpuint (used, !=, 0);
  g_assert_cmpuint (used, ==, first_used);

  got = receive_ok (bob, ALICE, second, "Are you there?");
  g_assert_true (got->pre_key_message);
  g_assert_false (got->bundle_changed);
  g_assert_cmpuint (got->used_pre_key_id, ==, 0);
  g_clear_pointer (&got, natter_omemo_decrypted_free);

  /* Bob answers over the session alice's message built. */
  g_assert_true (natter_omemo_session_set_device_list (bob->omemo, ALICE, &alice_device, 1,
                                                       &error));
  reply = send_to (bob, ALICE, "Yes, hi Alice");
  g_assert_false (((NatterOmemoKey *) g_ptr_array_index (reply->keys, 0))->prekey);
  got = receive_ok (alice, BOB, reply, "Yes, hi Alice");
  g_assert_false (got->pre_key_message);
  g_assert_false (got->bundle_changed);
  g_clear_pointer (&got, natter_omemo_decrypted_free);

  /* Now alice's messages are normal ones. */
  after = send_to (alice, BOB, "Great");
  g_assert_false (((NatterOmemoKey *) g_ptr_array_index (after->keys, 0))->prekey);
  got = receive_ok (bob, ALICE, after, "Great");
  g_clear_pointer (&got, natter_omemo_decrypted_free);

  /* Replays of both kinds are refused and change nothing. */
  receive_fails (bob, ALICE, first, NATTER_OMEMO_ERROR_DUPLICATE);
  receive_fails (bob, ALICE, after, NATTER_OMEMO_ERROR_DUPLICATE);

  /* Keys refreshed on connect: nothing to do now. */
  g_assert_true (natter_omemo_session_refresh_keys (bob->omemo, g_get_real_time (), &changed,
                                                    &error));
  g_assert_no_error (error);
  g_assert_false (changed);
}

/* Sessions are kept in the database: a new NatterOmemoSession goes on. */
static void
test_survives_reopen (void)
{
  g_autoptr(Peer) alice = peer_new (ALICE, "alice-reopen.db");
  g_autoptr(Peer) bob = peer_new (BOB, "bob-reopen.db");
  g_autoptr(NatterOmemoEncrypted) first = NULL;
  g_autoptr(NatterOmemoEncrypted) next = NULL;
  g_autoptr(NatterOmemoDecrypted) got = NULL;
  g_autoptr(GError) error = NULL;

  introduce (alice, bob);
  first = send_to (alice, BOB, "one");
  got = receive_ok (bob, ALICE, first, "one");
  g_clear_pointer (&got, natter_omemo_decrypted_free);

  g_clear_object (&alice->omemo);
  g_clear_object (&bob->omemo);
  alice->omemo = natter_omemo_session_new (alice->store, alice->account_id, ALICE, &error);
  bob->omemo = natter_omemo_session_new (bob->store, bob->account_id, BOB, &error);
  g_assert_no_error (error);

  next = send_to (alice, BOB, "two");
  got = receive_ok (bob, ALICE, next, "two");
}

static void
test_reordered (void)
{
  g_autoptr(Peer) alice = peer_new (ALICE, "alice-order.db");
  g_autoptr(Peer) bob = peer_new (BOB, "bob-order.db");
  NatterOmemoEncrypted *messages[5];
  const char *bodies[5] = { "m0", "m1", "m2", "m3", "m4" };
  const guint order[5] = { 0, 3, 1, 4, 2 };

  introduce (alice, bob);
  for (guint i = 0; i < 5; i++)
    messages[i] = send_to (alice, BOB, bodies[i]);

  for (guint i = 0; i < 5; i++)
    {
      NatterOmemoDecrypted *got = receive_ok (bob, ALICE, messages[order[i]], bodies[order[i]]);

      natter_omemo_decrypted_free (got);
    }
  for (guint i = 0; i < 5; i++)
    {
      receive_fails (bob, ALICE, messages[i], NATTER_OMEMO_ERROR_DUPLICATE);
      natter_omemo_encrypted_free (messages[i]);
    }
}

/* A changed payload, IV or key fails; the session goes on as before, so
 * the untouched message still decrypts, and so do later ones. */
static void
test_tampered (void)
{
  g_autoptr(Peer) alice = peer_new (ALICE, "alice-tamper.db");
  g_autoptr(Peer) bob = peer_new (BOB, "bob-tamper.db");
  g_autoptr(NatterOmemoEncrypted) hello = NULL;
  g_autoptr(NatterOmemoEncrypted) original = NULL;
  g_autoptr(NatterOmemoEncrypted) later = NULL;
  g_autoptr(NatterOmemoDecrypted) got = NULL;
  guint32 alice_device = device_of (alice);

  introduce (alice, bob);
  hello = send_to (alice, BOB, "hello");
  got = receive_ok (bob, ALICE, hello, "hello");
  g_clear_pointer (&got, natter_omemo_decrypted_free);
  /* Bob answers, so that alice's next message is a plain SignalMessage,
   * whose last 8 bytes are its MAC. */
  g_assert_true (natter_omemo_session_set_device_list (bob->omemo, ALICE, &alice_device, 1,
                                                       NULL));
  {
    g_autoptr(NatterOmemoEncrypted) reply = send_to (bob, ALICE, "hi");

    got = receive_ok (alice, BOB, reply, "hi");
    g_clear_pointer (&got, natter_omemo_decrypted_free);
  }

  original = send_to (alice, BOB, "the real text");
  g_assert_false (((NatterOmemoKey *) g_ptr_array_index (original->keys, 0))->prekey);

  /* Payload. */
  {
    g_autoptr(NatterOmemoEncrypted) bad = copy_encrypted (original);
    GBytes *payload = bad->payload;

    bad->payload = flip (payload, 3);
    g_bytes_unref (payload);
    receive_fails (bob, ALICE, bad, NATTER_OMEMO_ERROR_AUTHENTICATION);
  }
  /* Payload cut short (a tag that no longer matches). */
  {
    g_autoptr(NatterOmemoEncrypted) bad = copy_encrypted (original);
    GBytes *payload = bad->payload;

    bad->payload = g_bytes_new_from_bytes (payload, 0, g_bytes_get_size (payload) - 1);
    g_bytes_unref (payload);
    receive_fails (bob, ALICE, bad, NATTER_OMEMO_ERROR_AUTHENTICATION);
  }
  /* IV. */
  {
    g_autoptr(NatterOmemoEncrypted) bad = copy_encrypted (original);
    GBytes *iv = bad->iv;

    bad->iv = flip (iv, 0);
    g_bytes_unref (iv);
    receive_fails (bob, ALICE, bad, NATTER_OMEMO_ERROR_AUTHENTICATION);
  }
  /* The key element (which carries the GCM tag): its MAC fails. */
  {
    g_autoptr(NatterOmemoEncrypted) bad = copy_encrypted (original);
    NatterOmemoKey *key = g_ptr_array_index (bad->keys, 0);
    GBytes *data = key->data;

    key->data = flip (data, g_bytes_get_size (data) - 3);
    g_bytes_unref (data);
    receive_fails (bob, ALICE, bad, NATTER_OMEMO_ERROR_AUTHENTICATION);
  }
  /* Garbage in place of the key. */
  {
    g_autoptr(NatterOmemoEncrypted) bad = copy_encrypted (original);
    NatterOmemoKey *key = g_ptr_array_index (bad->keys, 0);

    g_bytes_unref (key->data);
    key->data = g_bytes_new_static ("\x33garbage", 8);
    receive_fails (bob, ALICE, bad, NATTER_OMEMO_ERROR_MALFORMED);
  }

  got = receive_ok (bob, ALICE, original, "the real text");
  g_clear_pointer (&got, natter_omemo_decrypted_free);
  later = send_to (alice, BOB, "and more");
  got = receive_ok (bob, ALICE, later, "and more");
}

static void
test_not_for_this_device_and_no_session (void)
{
  g_autoptr(Peer) alice = peer_new (ALICE, "alice-nosession.db");
  g_autoptr(Peer) bob = peer_new (BOB, "bob-nosession.db");
  g_autoptr(NatterOmemoEncrypted) hello = NULL;
  g_autoptr(NatterOmemoEncrypted) normal = NULL;
  g_autoptr(NatterOmemoDecrypted) got = NULL;
  g_autoptr(GError) error = NULL;
  guint32 alice_device = device_of (alice);

  introduce (alice, bob);
  hello = send_to (alice, BOB, "hello");
  got = receive_ok (bob, ALICE, hello, "hello");
  g_clear_pointer (&got, natter_omemo_decrypted_free);
  g_assert_true (natter_omemo_session_set_device_list (bob->omemo, ALICE, &alice_device, 1,
                                                       &error));
  {
    g_autoptr(NatterOmemoEncrypted) reply = send_to (bob, ALICE, "hi");

    got = receive_ok (alice, BOB, reply, "hi");
    g_clear_pointer (&got, natter_omemo_decrypted_free);
  }
  normal = send_to (alice, BOB, "normal");

  /* Not for this device: bob's key removed. */
  {
    g_autoptr(NatterOmemoEncrypted) other = copy_encrypted (normal);

    ((NatterOmemoKey *) g_ptr_array_index (other->keys, 0))->rid = device_of (bob) ^ 1;
    receive_fails (bob, ALICE, other, NATTER_OMEMO_ERROR_NOT_FOR_THIS_DEVICE);
  }
  /* An unknown sending device. */
  {
    g_autoptr(NatterOmemoEncrypted) other = copy_encrypted (normal);

    other->sid = alice_device ^ 1;
    receive_fails (bob, ALICE, other, NATTER_OMEMO_ERROR_NO_SESSION);
  }
  /* Mallory replays alice's message as her own (SECURITY.md #49): the
   * session is looked up by the outer sender, and there is none. */
  receive_fails (bob, "mallory@example.org", normal, NATTER_OMEMO_ERROR_NO_SESSION);

  /* None of that touched the session. */
  got = receive_ok (bob, ALICE, normal, "normal");
}

static void
test_trust (void)
{
  g_autoptr(Peer) alice = peer_new (ALICE, "alice-trust.db");
  g_autoptr(Peer) bob = peer_new (BOB, "bob-trust.db");
  g_autoptr(NatterOmemoEncrypted) hello = NULL;
  g_autoptr(NatterOmemoEncrypted) next = NULL;
  g_autoptr(NatterOmemoDecrypted) got = NULL;
  g_autoptr(NatterStoreOmemoIdentity) alice_key = NULL;
  g_autoptr(NatterStoreOmemoIdentity) bob_key = NULL;
  g_autoptr(NatterOmemoEncrypted) refused = NULL;
  g_autoptr(GError) error = NULL;
  const char *to_bob[] = { BOB, NULL };

  introduce (alice, bob);
  hello = send_to (alice, BOB, "hello");
  got = receive_ok (bob, ALICE, hello, "hello");
  g_clear_pointer (&got, natter_omemo_decrypted_free);

  /* Bob distrusts alice's device: her messages are still read, so they
   * are kept, and say they come from a distrusted device. */
  alice_key = natter_store_omemo_get_identity (bob->store, bob->account_id,
                                               NATTER_STORE_OMEMO_VERSION_LEGACY, ALICE,
                                               device_of (alice), NULL, &error);
  g_assert_nonnull (alice_key);
  g_assert_true (natter_store_omemo_set_trust (bob->store, bob->account_id,
                                               NATTER_STORE_OMEMO_VERSION_LEGACY, ALICE,
                                               device_of (alice), alice_key->identity_key,
                                               NATTER_STORE_OMEMO_TRUST_DISTRUSTED, &error));
  next = send_to (alice, BOB, "still me");
  got = receive_ok (bob, ALICE, next, "still me");
  g_assert_cmpint (got->trust, ==, NATTER_STORE_OMEMO_TRUST_DISTRUSTED);
  g_clear_pointer (&got, natter_omemo_decrypted_free);

  /* He verifies it after all; her next message says so. */
  g_assert_true (natter_store_omemo_set_trust (bob->store, bob->account_id,
                                               NATTER_STORE_OMEMO_VERSION_LEGACY, ALICE,
                                               device_of (alice), alice_key->identity_key,
                                               NATTER_STORE_OMEMO_TRUST_VERIFIED, &error));
  g_clear_pointer (&next, natter_omemo_encrypted_free);
  next = send_to (alice, BOB, "verified me");
  got = receive_ok (bob, ALICE, next, "verified me");
  g_assert_cmpint (got->trust, ==, NATTER_STORE_OMEMO_TRUST_VERIFIED);

  /* Alice distrusts bob's device: she cannot encrypt to bob at all, and
   * says so rather than sending to nobody (SECURITY.md #47). */
  bob_key = natter_store_omemo_get_identity (alice->store, alice->account_id,
                                             NATTER_STORE_OMEMO_VERSION_LEGACY, BOB,
                                             device_of (bob), NULL, &error);
  g_assert_nonnull (bob_key);
  g_assert_cmpint (bob_key->trust, ==, NATTER_STORE_OMEMO_TRUST_TRUSTED);
  g_assert_true (natter_store_omemo_set_trust (alice->store, alice->account_id,
                                               NATTER_STORE_OMEMO_VERSION_LEGACY, BOB,
                                               device_of (bob), bob_key->identity_key,
                                               NATTER_STORE_OMEMO_TRUST_DISTRUSTED, &error));
  refused = natter_omemo_session_encrypt (alice->omemo, "secret", to_bob, &error);
  g_assert_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_NO_DEVICES);
  g_assert_null (refused);
  g_clear_error (&error);

  /* And a distrusted key cannot build a new session either. */
  {
    g_autoptr(NatterOmemoBundle) bundle = fetch_bundle (bob);

    g_assert_false (natter_omemo_session_process_bundle (alice->omemo, BOB, device_of (bob),
                                                         bundle, &error));
    g_assert_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_UNTRUSTED);
  }
}

/* Our other device gets a key, this one does not (SECURITY.md #46). */
static void
test_own_devices_and_key_transport (void)
{
  g_autoptr(Peer) alice = peer_new (ALICE, "alice-own.db");
  g_autoptr(Peer) phone = peer_new (ALICE, "alice-phone.db");
  g_autoptr(Peer) bob = peer_new (BOB, "bob-own.db");
  g_autoptr(NatterOmemoEncrypted) message = NULL;
  g_autoptr(NatterOmemoEncrypted) transport = NULL;
  g_autoptr(NatterOmemoDecrypted) got = NULL;
  g_autoptr(GError) error = NULL;
  const char *jids[] = { BOB, ALICE, NULL };
  const char *nobody[] = { "nobody@example.org", NULL };
  guint32 own_devices[2] = { device_of (alice), device_of (phone) };

  introduce (alice, bob);
  {
    g_autoptr(NatterOmemoBundle) bundle = fetch_bundle (phone);

    g_assert_true (natter_omemo_session_set_device_list (alice->omemo, ALICE, own_devices, 2,
                                                         &error));
    g_assert_true (natter_omemo_session_process_bundle (alice->omemo, ALICE, device_of (phone),
                                                        bundle, &error));
    g_assert_no_error (error);
  }

  message = natter_omemo_session_encrypt (alice->omemo, "to bob and my phone", jids, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (message->keys->len, ==, 2);
  g_assert_nonnull (natter_omemo_encrypted_find_key (message, device_of (bob)));
  g_assert_nonnull (natter_omemo_encrypted_find_key (message, device_of (phone)));
  g_assert_null (natter_omemo_encrypted_find_key (message, device_of (alice)));
  got = receive_ok (bob, ALICE, message, "to bob and my phone");
  g_clear_pointer (&got, natter_omemo_decrypted_free);
  got = receive_ok (phone, ALICE, message, "to bob and my phone");
  g_clear_pointer (&got, natter_omemo_decrypted_free);

  /* Key transport: no payload, no body, a working session. */
  transport = natter_omemo_session_encrypt (alice->omemo, NULL, jids, &error);
  g_assert_no_error (error);
  g_assert_null (transport->payload);
  {
    g_autoptr(XmppNode) node = natter_omemo_encrypted_to_node (transport);
    g_autoptr(NatterOmemoEncrypted) parsed = natter_omemo_encrypted_parse (node, &error);

    g_assert_no_error (error);
    g_assert_null (xmpp_node_get_child (node, "payload", XMPP_NS_OMEMO_LEGACY));
    got = receive_ok (bob, ALICE, parsed, NULL);
    g_assert_null (got->body);
  }

  /* Nobody to encrypt for. */
  g_clear_pointer (&message, natter_omemo_encrypted_free);
  message = natter_omemo_session_encrypt (alice->omemo, "hello?", nobody, &error);
  g_assert_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_NO_DEVICES);
  g_assert_null (message);
}

static void
test_bad_bundle (void)
{
  g_autoptr(Peer) alice = peer_new (ALICE, "alice-badbundle.db");
  g_autoptr(Peer) bob = peer_new (BOB, "bob-badbundle.db");
  g_autoptr(NatterOmemoBundle) bundle = fetch_bundle (bob);
  g_autoptr(GError) error = NULL;
  GBytes *signature = bundle->signed_pre_key_signature;

  bundle->signed_pre_key_signature = flip (signature, 10);
  g_bytes_unref (signature);
  g_assert_false (natter_omemo_session_process_bundle (alice->omemo, BOB, device_of (bob), bundle,
                                                       &error));
  g_assert_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_MALFORMED);
  g_test_message ("%s", error->message);
  g_assert_false (natter_omemo_session_has_session (alice->omemo, BOB, device_of (bob)));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/natter/omemo/session/keys-and-fingerprint", test_keys_and_fingerprint);
  g_test_add_func ("/natter/omemo/session/exchange", test_exchange);
  g_test_add_func ("/natter/omemo/session/survives-reopen", test_survives_reopen);
  g_test_add_func ("/natter/omemo/session/reordered-and-replayed", test_reordered);
  g_test_add_func ("/natter/omemo/session/tampered", test_tampered);
  g_test_add_func ("/natter/omemo/session/not-for-this-device-and-no-session",
                   test_not_for_this_device_and_no_session);
  g_test_add_func ("/natter/omemo/session/trust", test_trust);
  g_test_add_func ("/natter/omemo/session/own-devices-and-key-transport",
                   test_own_devices_and_key_transport);
  g_test_add_func ("/natter/omemo/session/bad-bundle", test_bad_bundle);

  return g_test_run ();
}
