/* test-core-omemo.c: fingerprint URIs, hostile ones included, and NatterOmemo offline
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "core/core.h"
#include "core/natter-omemo-private.h"
#include "omemo/omemo.h"
#include "store/store.h"
#include "xmpp/xmpp.h"

#include "test-core-helpers.h"

#define HEX_A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define HEX_B "FEDCBA9876543210FEDCBA9876543210FEDCBA9876543210FEDCBA9876543210"
#define HEX_B_LOWER "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

static void
parse_ok (const char  *uri,
          const char  *jid,
          GArray     **entries)
{
  g_autoptr(XmppJid) parsed = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (natter_omemo_uri_parse (uri, &parsed, entries, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (xmpp_jid_to_string (parsed), ==, jid);
}

static NatterOmemoUriEntry *
entry_at (GArray *entries,
          guint   i)
{
  return &g_array_index (entries, NatterOmemoUriEntry, i);
}

/* As Conversations writes it, and the variants RFC 5122 allows. */
static void
test_uri_parse_conversations (void)
{
  g_autoptr(GArray) entries = NULL;

  parse_ok ("xmpp:alice@example.org?omemo-sid-1234=" HEX_A ";omemo-sid-2147483647=" HEX_B,
            "alice@example.org", &entries);
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_cmpuint (entry_at (entries, 0)->device_id, ==, 1234);
  g_assert_cmpstr (entry_at (entries, 0)->fingerprint, ==, HEX_A);
  g_assert_cmpuint (entry_at (entries, 1)->device_id, ==, 2147483647);
  g_assert_cmpstr (entry_at (entries, 1)->fingerprint, ==, HEX_B_LOWER);
  g_clear_pointer (&entries, g_array_unref);

  /* A percent-encoded, upper-case address is normalised; an action and
   * other parameters are ignored. */
  parse_ok ("XMPP:Al%69ce@Example.ORG?message;body=hi;omemo-sid-1=" HEX_A,
            "alice@example.org", &entries);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpuint (entry_at (entries, 0)->device_id, ==, 1);
  g_clear_pointer (&entries, g_array_unref);

  parse_ok ("xmpp:alice@example.org?omemo-sid-7=" HEX_A "#fragment", "alice@example.org",
            &entries);
  g_assert_cmpuint (entries->len, ==, 1);
}

static void
test_uri_parse_hostile (void)
{
  g_autofree char *huge = NULL;
  g_autofree char *many = NULL;
  GString *builder;
  const char *bad[] = {
    "",
    "http://alice@example.org?omemo-sid-1=" HEX_A,
    "xmpp:",
    "xmpp:alice@example.org",
    "xmpp:alice@example.org?",
    "xmpp:alice@example.org?message",
    "xmpp:alice@example.org?omemo-sid-0=" HEX_A,
    "xmpp:alice@example.org?omemo-sid-2147483648=" HEX_A,
    "xmpp:alice@example.org?omemo-sid-4294967297=" HEX_A,
    "xmpp:alice@example.org?omemo-sid-99999999999999999999=" HEX_A,
    "xmpp:alice@example.org?omemo-sid-01=" HEX_A,
    "xmpp:alice@example.org?omemo-sid-+1=" HEX_A,
    "xmpp:alice@example.org?omemo-sid--1=" HEX_A,
    "xmpp:alice@example.org?omemo-sid-1x=" HEX_A,
    "xmpp:alice@example.org?omemo-sid-=" HEX_A,
    "xmpp:alice@example.org?omemo-sid-%31=" HEX_A "0",
    "xmpp:alice@example.org?omemo-sid-1=",
    "xmpp:alice@example.org?omemo-sid-1",
    "xmpp:alice@example.org?omemo-sid-1=" HEX_A "0",
    "xmpp:alice@example.org?omemo-sid-1=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde",
    "xmpp:alice@example.org?omemo-sid-1=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg",
    "xmpp:alice@example.org?omemo-sid-1=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd%00",
    "xmpp:alice@example.org?omemo-sid-1=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd%ff",
    "xmpp:alice@example.org?omemo-sid-1=" HEX_A ";omemo-sid-1=" HEX_B,
    "xmpp:alice@example.org/phone?omemo-sid-1=" HEX_A,
    "xmpp:example.org?omemo-sid-1=" HEX_A,
    "xmpp:@example.org?omemo-sid-1=" HEX_A,
    "xmpp:alice@@example.org?omemo-sid-1=" HEX_A,
    "xmpp:al%00ice@example.org?omemo-sid-1=" HEX_A,
    "xmpp:al%ffice@example.org?omemo-sid-1=" HEX_A,
    "xmpp://bob@example.org/alice@example.org/x?omemo-sid-1=" HEX_A,
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(XmppJid) jid = NULL;
      g_autoptr(GArray) entries = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("URI %u: %s", i, bad[i]);
      g_assert_false (natter_omemo_uri_parse (bad[i], &jid, &entries, &error));
      g_assert_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_MALFORMED);
      g_assert_null (jid);
      g_assert_null (entries);
    }

  /* Size: a megabyte of parameters, and more devices than a list holds. */
  builder = g_string_new ("xmpp:alice@example.org?omemo-sid-1=" HEX_A);
  while (builder->len < 1024 * 1024)
    g_string_append (builder, ";x=yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy");
  huge = g_string_free (builder, FALSE);
  builder = g_string_new ("xmpp:alice@example.org?");
  for (guint i = 1; i <= NATTER_OMEMO_MAX_DEVICES + 1; i++)
    g_string_append_printf (builder, "%somemo-sid-%u=" HEX_A, i > 1 ? ";" : "", i);
  many = g_string_free (builder, FALSE);

  {
    const char *big[] = { huge, many };

    for (guint i = 0; i < G_N_ELEMENTS (big); i++)
      {
        g_autoptr(XmppJid) jid = NULL;
        g_autoptr(GArray) entries = NULL;
        g_autoptr(GError) error = NULL;

        g_assert_false (natter_omemo_uri_parse (big[i], &jid, &entries, &error));
        g_assert_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_MALFORMED);
      }
  }
}

/* A store with one account row, and its OMEMO. */
typedef struct
{
  NatterStore *store;
  gint64       account_id;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(NatterStoreAccount) record = natter_store_account_new ();
  g_autoptr(GError) error = NULL;

  fixture->store = natter_store_open (NULL, &error);
  g_assert_no_error (error);
  record->jid = g_strdup ("me@example.org");
  record->resource = g_strdup ("desk");
  record->enabled = FALSE;
  natter_store_add_account (fixture->store, record, &error);
  g_assert_no_error (error);
  fixture->account_id = record->id;
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  natter_store_close (fixture->store);
  g_assert_finalize_object (fixture->store);
}

static void
count_cb (NatterOmemo *omemo,
          const char  *jid,
          guint       *count)
{
  (*count)++;
}

/* Before the first connect there is no identity: no id, no code, no
 * encrypting; a scanned code is still recorded, as verified keys for
 * devices whose bundles are not known yet. */
static void
test_offline_without_identity (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(NatterOmemo) omemo = natter_omemo_new (fixture->store, fixture->account_id,
                                                   "me@example.org");
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppJid) from = xmpp_jid_new ("bob@example.org/x", NULL);
  g_autoptr(XmppNode) node = xmpp_node_new ("encrypted", XMPP_NS_OMEMO_LEGACY);
  NatterOmemoDecrypted *decrypted;
  ModelChecker *checker;
  GListModel *devices;
  NatterOmemoUriChange *change;
  NatterOmemoDevice *device;
  guint changed = 0;

  g_signal_connect (omemo, "devices-changed", G_CALLBACK (count_cb), &changed);
  g_assert_cmpuint (natter_omemo_get_device_id (omemo), ==, 0);
  g_assert_null (natter_omemo_dup_own_fingerprint (omemo));
  g_assert_null (natter_omemo_build_uri (omemo));
  g_assert_false (natter_omemo_get_ready (omemo));
  g_assert_null (natter_omemo_get_devices (omemo, "not a jid@@"));
  g_assert_false (natter_omemo_has_devices (omemo, "bob@example.org"));

  devices = natter_omemo_get_devices (omemo, "Bob@Example.org");
  g_assert_true (devices == natter_omemo_get_devices (omemo, "bob@example.org"));
  g_assert_cmpuint (g_list_model_get_n_items (devices), ==, 0);
  checker = model_checker_new (devices);

  /* Dry run: what would change, and nothing does. */
  g_assert_true (natter_omemo_apply_uri (omemo, "xmpp:bob@example.org?omemo-sid-42=" HEX_A,
                                         TRUE, &changes, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changes->len, ==, 1);
  change = g_ptr_array_index (changes, 0);
  g_assert_cmpstr (change->jid, ==, "bob@example.org");
  g_assert_cmpuint (change->device_id, ==, 42);
  g_assert_false (change->known);
  g_assert_cmpstr (change->fingerprint, ==,
                   "01234567 89abcdef 01234567 89abcdef 01234567 89abcdef 01234567 89abcdef");
  g_assert_cmpuint (g_list_model_get_n_items (devices), ==, 0);
  g_assert_cmpuint (changed, ==, 0);
  g_clear_pointer (&changes, g_ptr_array_unref);
  change = NULL;

  g_assert_true (natter_omemo_apply_uri (omemo, "xmpp:bob@example.org?omemo-sid-42=" HEX_A,
                                         FALSE, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (devices), ==, 1);
  device = g_list_model_get_item (devices, 0);
  g_assert_cmpuint (natter_omemo_device_get_device_id (device), ==, 42);
  g_assert_cmpstr (natter_omemo_device_get_jid (device), ==, "bob@example.org");
  g_assert_cmpint (natter_omemo_device_get_trust (device), ==, NATTER_OMEMO_TRUST_VERIFIED);
  g_assert_false (natter_omemo_device_get_active (device));
  g_assert_false (natter_omemo_device_get_own (device));
  g_assert_cmpstr (natter_omemo_device_get_fingerprint (device), ==,
                   "01234567 89abcdef 01234567 89abcdef 01234567 89abcdef 01234567 89abcdef");
  g_assert_false (natter_omemo_has_devices (omemo, "bob@example.org"));

  /* Another key for the same device: refused whole, nothing changes. */
  g_assert_false (natter_omemo_apply_uri (omemo, "xmpp:bob@example.org?omemo-sid-7=" HEX_B
                                          ";omemo-sid-42=" HEX_B, FALSE, &changes, &error));
  g_assert_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_UNTRUSTED);
  g_clear_error (&error);
  g_assert_null (changes);
  g_assert_cmpuint (g_list_model_get_n_items (devices), ==, 1);

  /* Trust is set in place: the same object, notified. */
  {
    guint notified = 0;

    g_signal_connect (device, "notify::trust", G_CALLBACK (count_cb), &notified);
    g_assert_true (natter_omemo_set_trust (omemo, "bob@example.org", 42,
                                           NATTER_OMEMO_TRUST_DISTRUSTED, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (notified, ==, 1);
    g_assert_cmpint (natter_omemo_device_get_trust (device), ==, NATTER_OMEMO_TRUST_DISTRUSTED);
  }
  g_assert_false (natter_omemo_set_trust (omemo, "bob@example.org", 43,
                                          NATTER_OMEMO_TRUST_TRUSTED, &error));
  g_assert_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_false (natter_omemo_set_trust (omemo, "not a jid@@", 43,
                                          NATTER_OMEMO_TRUST_TRUSTED, &error));
  g_assert_error (error, NATTER_ERROR, NATTER_ERROR_INVALID_JID);
  g_clear_error (&error);

  /* Nothing to decrypt or encrypt with. */
  decrypted = natter_omemo_decrypt (omemo, from, node, &error);
  g_assert_null (decrypted);
  g_assert_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_NO_SESSION);
  g_clear_error (&error);

  model_checker_free (checker);
  g_object_unref (device);
  g_assert_finalize_object (g_steal_pointer (&omemo));
}

static void
encrypt_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GError **error = user_data;
  XmppNode *node = natter_omemo_encrypt_finish (NATTER_OMEMO (object), result, error);

  g_assert_null (node);
}

/* With an identity made before, the device has its id and code at once;
 * offline, encrypting fails clearly and never gives an element. */
static void
test_offline_with_identity (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(NatterOmemoSession) session = NULL;
  g_autoptr(NatterOmemo) omemo = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *wrong = NULL;
  GError *encrypt_error = NULL;
  GListModel *devices;
  NatterOmemoDevice *device;
  guint32 id;

  session = natter_omemo_session_new (fixture->store, fixture->account_id, "me@example.org",
                                      &error);
  g_assert_no_error (error);
  id = natter_omemo_session_get_device_id (session);
  g_assert_finalize_object (g_steal_pointer (&session));

  omemo = natter_omemo_new (fixture->store, fixture->account_id, "me@example.org");
  g_assert_cmpuint (natter_omemo_get_device_id (omemo), ==, id);
  fingerprint = natter_omemo_dup_own_fingerprint (omemo);
  g_assert_cmpuint (strlen (fingerprint), ==, 71);

  uri = natter_omemo_build_uri (omemo);
  expected = g_strdup_printf ("xmpp:me@example.org?omemo-sid-%u=", id);
  g_assert_true (g_str_has_prefix (uri, expected));
  g_assert_cmpuint (strlen (uri), ==, strlen (expected) + 64);
  g_assert_null (strchr (uri + strlen (expected), ' '));

  /* Our own code changes nothing here; one giving this device another
   * key is refused. */
  g_assert_true (natter_omemo_apply_uri (omemo, uri, FALSE, &changes, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changes->len, ==, 0);
  g_clear_pointer (&changes, g_ptr_array_unref);
  wrong = g_strdup_printf ("xmpp:me@example.org?omemo-sid-%u=" HEX_A, id);
  g_assert_false (natter_omemo_apply_uri (omemo, wrong, FALSE, NULL, &error));
  g_assert_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_UNTRUSTED);
  g_clear_error (&error);
  g_assert_false (natter_omemo_set_trust (omemo, "me@example.org", id,
                                          NATTER_OMEMO_TRUST_DISTRUSTED, &error));
  g_assert_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_FAILED);
  g_clear_error (&error);

  devices = natter_omemo_get_devices (omemo, "me@example.org");
  g_assert_cmpuint (g_list_model_get_n_items (devices), ==, 1);
  device = g_list_model_get_item (devices, 0);
  g_assert_true (natter_omemo_device_get_own (device));
  g_assert_cmpstr (natter_omemo_device_get_fingerprint (device), ==, fingerprint);
  g_assert_cmpint (natter_omemo_device_get_trust (device), ==, NATTER_OMEMO_TRUST_VERIFIED);
  g_object_unref (device);
  g_assert_false (natter_omemo_has_devices (omemo, "me@example.org"));

  natter_omemo_encrypt_async (omemo, "bob@example.org", "secret", NULL, encrypt_cb,
                              &encrypt_error);
  while (encrypt_error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (encrypt_error, NATTER_ERROR, NATTER_ERROR_NOT_CONNECTED);
  g_clear_error (&encrypt_error);

  natter_omemo_encrypt_async (omemo, "not a jid@@", "secret", NULL, encrypt_cb,
                              &encrypt_error);
  while (encrypt_error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (encrypt_error, NATTER_ERROR, NATTER_ERROR_INVALID_JID);
  g_clear_error (&encrypt_error);

  g_assert_finalize_object (g_steal_pointer (&omemo));
}

/* A store of its own with an account row for @jid. */
static NatterStore *
open_store (const char *jid,
            gint64     *account_id)
{
  static guint serial;
  g_autoptr(NatterStoreAccount) record = natter_store_account_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("device-%u.db", ++serial);
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), name, NULL);
  NatterStore *store = natter_store_open (path, &error);

  g_assert_no_error (error);
  record->jid = g_strdup (jid);
  record->resource = g_strdup ("desk");
  natter_store_add_account (store, record, &error);
  g_assert_no_error (error);
  *account_id = record->id;
  return store;
}

/* Bob's device @device_id, in a store of its own, with a session to
 * Alice's device built from @alice's bundle; returns what it encrypts. */
static XmppNode *
bob_encrypts (NatterOmemoSession *alice,
              guint32             device_id,
              const char         *body)
{
  g_autoptr(NatterStoreOmemoOwn) own = NULL;
  g_autoptr(NatterOmemoSession) bob = NULL;
  g_autoptr(NatterOmemoBundle) bundle = NULL;
  g_autoptr(NatterOmemoEncrypted) encrypted = NULL;
  g_autoptr(GError) error = NULL;
  const char *jids[] = { "alice@example.org", NULL };
  guint32 alice_id = natter_omemo_session_get_device_id (alice);
  NatterStore *store;
  gint64 account_id;
  XmppNode *node;

  store = open_store ("bob@example.org", &account_id);
  bob = natter_omemo_session_new (store, account_id, "bob@example.org", &error);
  g_assert_no_error (error);
  /* The same device id as another install had: only the key differs. */
  own = natter_store_omemo_get_own (store, account_id, NATTER_STORE_OMEMO_VERSION_LEGACY, &error);
  g_assert_no_error (error);
  own->device_id = device_id;
  natter_store_omemo_set_own (store, account_id, NATTER_STORE_OMEMO_VERSION_LEGACY, own, &error);
  g_assert_no_error (error);
  g_clear_object (&bob);
  bob = natter_omemo_session_new (store, account_id, "bob@example.org", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (natter_omemo_session_get_device_id (bob), ==, device_id);

  bundle = natter_omemo_session_dup_bundle (alice, &error);
  g_assert_no_error (error);
  g_assert_true (natter_omemo_session_process_bundle (bob, "alice@example.org", alice_id,
                                                      bundle, &error));
  g_assert_no_error (error);
  g_assert_true (natter_omemo_session_set_device_list (bob, "alice@example.org", &alice_id, 1,
                                                       &error));
  g_assert_no_error (error);
  encrypted = natter_omemo_session_encrypt (bob, body, jids, &error);
  g_assert_no_error (error);
  node = natter_omemo_encrypted_to_node (encrypted);

  g_assert_finalize_object (g_steal_pointer (&bob));
  natter_store_close (store);
  g_assert_finalize_object (store);
  return node;
}

static void
identity_changed_cb (NatterOmemo *omemo,
                     const char  *jid,
                     guint        device_id,
                     guint       *count)
{
  g_assert_cmpstr (jid, ==, "bob@example.org");
  g_assert_cmpuint (device_id, ==, 777);
  (*count)++;
}

/* A pre-key message from a device Alice knows, carrying another identity
 * key than before (a reinstall reusing the id, or someone in the way):
 * refused and reported, and the device keeps its old key. */
static void
test_decrypt_refuses_changed_identity (Fixture       *fixture,
                                       gconstpointer  data)
{
  g_autoptr(NatterOmemoSession) alice = NULL;
  g_autoptr(NatterOmemo) omemo = NULL;
  g_autoptr(NatterOmemoDecrypted) decrypted = NULL;
  g_autoptr(XmppNode) first = NULL;
  g_autoptr(XmppNode) second = NULL;
  g_autoptr(XmppJid) from = xmpp_jid_new ("bob@example.org/phone", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  NatterOmemoDevice *device;
  GListModel *devices;
  guint changed = 0;

  alice = natter_omemo_session_new (fixture->store, fixture->account_id, "alice@example.org",
                                    &error);
  g_assert_no_error (error);
  first = bob_encrypts (alice, 777, "first install");
  second = bob_encrypts (alice, 777, "second install");
  g_assert_finalize_object (g_steal_pointer (&alice));

  omemo = natter_omemo_new (fixture->store, fixture->account_id, "alice@example.org");
  g_signal_connect (omemo, "identity-changed", G_CALLBACK (identity_changed_cb), &changed);
  decrypted = natter_omemo_decrypt (omemo, from, first, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (decrypted->body, ==, "first install");
  g_assert_true (decrypted->pre_key_message);
  g_assert_cmpint (decrypted->trust, ==, NATTER_STORE_OMEMO_TRUST_TRUSTED);
  g_clear_pointer (&decrypted, natter_omemo_decrypted_free);

  devices = natter_omemo_get_devices (omemo, "bob@example.org");
  g_assert_cmpuint (g_list_model_get_n_items (devices), ==, 1);
  device = g_list_model_get_item (devices, 0);
  fingerprint = g_strdup (natter_omemo_device_get_fingerprint (device));
  g_assert_nonnull (fingerprint);

  decrypted = natter_omemo_decrypt (omemo, from, second, &error);
  g_assert_null (decrypted);
  g_assert_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_UNTRUSTED);
  g_clear_error (&error);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpstr (natter_omemo_device_get_fingerprint (device), ==, fingerprint);
  g_assert_cmpint (natter_omemo_device_get_trust (device), ==, NATTER_OMEMO_TRUST_TRUSTED);

  g_object_unref (device);
  g_assert_finalize_object (g_steal_pointer (&omemo));
}

int
main (int   argc,
      char *argv[])
{
  test_core_init (&argc, &argv);

  g_test_add_func ("/natter/core/omemo/uri/parse-conversations", test_uri_parse_conversations);
  g_test_add_func ("/natter/core/omemo/uri/parse-hostile", test_uri_parse_hostile);
  g_test_add ("/natter/core/omemo/offline-without-identity", Fixture, NULL,
              fixture_set_up, test_offline_without_identity, fixture_tear_down);
  g_test_add ("/natter/core/omemo/decrypt-refuses-changed-identity", Fixture, NULL,
              fixture_set_up, test_decrypt_refuses_changed_identity, fixture_tear_down);
  g_test_add ("/natter/core/omemo/offline-with-identity", Fixture, NULL,
              fixture_set_up, test_offline_with_identity, fixture_tear_down);

  return g_test_run ();
}
