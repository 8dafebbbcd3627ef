/* test-omemo-store.c: libsignal's store callbacks, answered from the SQLite store
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "omemo/omemo.h"
#include "omemo/natter-omemo-crypto.h"
#include "omemo/natter-omemo-keys.h"
#include "omemo/natter-omemo-store.h"
#include "store/natter-store-private.h"

#include <signal/curve.h>
#include <signal/session_pre_key.h>
#include <signal/session_record.h>

#define ME "me@example.org"
#define ALICE "alice@example.org"
#define V NATTER_STORE_OMEMO_VERSION_LEGACY

typedef struct
{
  NatterStore                   *store;
  gint64                         account_id;
  signal_context                *context;
  NatterOmemoStore              *stores;
  signal_protocol_store_context *store_context;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "omemo-store", NULL);
  g_autofree char *path = NULL;
  g_autoptr(NatterStoreAccount) account = natter_store_account_new ();
  g_autoptr(GError) error = NULL;
  static guint counter;

  g_assert_no_errno (g_mkdir_with_parents (dir, 0700));
  path = g_strdup_printf ("%s/store-%u.db", dir, counter++);
  fixture->store = natter_store_open (path, &error);
  g_assert_no_error (error);
  account->jid = g_strdup (ME);
  g_assert_true (natter_store_add_account (fixture->store, account, &error));
  fixture->account_id = account->id;
  g_assert_cmpint (signal_context_create (&fixture->context, NULL), ==, 0);
  g_assert_cmpint (signal_context_set_crypto_provider (fixture->context,
                                                       natter_omemo_crypto_get_provider ()), ==, 0);
  g_assert_true (natter_omemo_keys_generate_own (fixture->context, fixture->store,
                                                 fixture->account_id, ME, g_get_real_time (),
                                                 &error));
  g_assert_no_error (error);
  fixture->stores = natter_omemo_store_new (fixture->store, fixture->account_id);
  fixture->store_context = natter_omemo_store_create_context (fixture->stores, fixture->context);
  g_assert_nonnull (fixture->store_context);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  signal_protocol_store_context_destroy (fixture->store_context);
  natter_omemo_store_free (fixture->stores);
  signal_context_destroy (fixture->context);
  natter_store_close (fixture->store);
  g_assert_finalize_object (fixture->store);
}

static ec_public_key *
new_public_key (Fixture *fixture)
{
  ec_key_pair *pair = NULL;
  ec_public_key *key;

  g_assert_cmpint (curve_generate_key_pair (fixture->context, &pair), ==, 0);
  key = ec_key_pair_get_public (pair);
  SIGNAL_REF (key);
  SIGNAL_UNREF (pair);
  return key;
}

static GBytes *
serialize (ec_public_key *key)
{
  signal_buffer *buffer = NULL;
  GBytes *bytes;

  g_assert_cmpint (ec_public_key_serialize (&buffer, key), ==, 0);
  bytes = g_bytes_new (signal_buffer_data (buffer), signal_buffer_len (buffer));
  signal_buffer_free (buffer);
  return bytes;
}

static NatterStoreOmemoTrust
trust_of (Fixture       *fixture,
          const char    *jid,
          guint32        device,
          ec_public_key *key)
{
  g_autoptr(GBytes) bytes = serialize (key);
  g_autoptr(NatterStoreOmemoIdentity) identity = NULL;

  identity = natter_store_omemo_get_identity (fixture->store, fixture->account_id, V, jid,
                                              device, bytes, NULL);
  g_assert_nonnull (identity);
  return identity->trust;
}

static void
test_identity (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(NatterStoreOmemoOwn) own = NULL;
  ratchet_identity_key_pair *pair = NULL;
  signal_protocol_address phone = { ALICE, strlen (ALICE), 11 };
  signal_protocol_address laptop = { ALICE, strlen (ALICE), 12 };
  signal_protocol_address tablet = { ALICE, strlen (ALICE), 13 };
  ec_public_key *phone_key = new_public_key (fixture);
  ec_public_key *laptop_key = new_public_key (fixture);
  ec_public_key *tablet_key = new_public_key (fixture);
  g_autoptr(GBytes) phone_bytes = serialize (phone_key);
  g_autoptr(GBytes) laptop_bytes = serialize (laptop_key);
  uint32_t registration_id = 0;

  /* Our own pair and registration id. */
  own = natter_store_omemo_get_own (fixture->store, fixture->account_id, V, NULL);
  g_assert_cmpint (signal_protocol_identity_get_key_pair (fixture->store_context, &pair), ==, 0);
  {
    g_autoptr(GBytes) public_bytes = serialize (ratchet_identity_key_pair_get_public (pair));

    g_assert_true (g_bytes_equal (public_bytes, own->identity_public));
  }
  SIGNAL_UNREF (pair);
  g_assert_cmpint (signal_protocol_identity_get_local_registration_id (fixture->store_context,
                                                                      &registration_id), ==, 0);
  g_assert_cmpuint (registration_id, ==, own->registration_id);

  /* Unknown keys are acceptable; saved, they are trusted blindly. */
  g_assert_cmpint (signal_protocol_identity_is_trusted_identity (fixture->store_context, &phone,
                                                                 phone_key), ==, 1);
  g_assert_cmpint (signal_protocol_identity_save_identity (fixture->store_context, &phone,
                                                           phone_key), ==, 0);
  g_assert_cmpint (trust_of (fixture, ALICE, 11, phone_key), ==, NATTER_STORE_OMEMO_TRUST_TRUSTED);
  g_assert_cmpint (signal_protocol_identity_save_identity (fixture->store_context, &laptop,
                                                           laptop_key), ==, 0);

  /* A distrusted key is refused for sessions we build… */
  g_assert_true (natter_store_omemo_set_trust (fixture->store, fixture->account_id, V, ALICE, 12,
                                               laptop_bytes,
                                               NATTER_STORE_OMEMO_TRUST_DISTRUSTED, NULL));
  g_assert_cmpint (signal_protocol_identity_is_trusted_identity (fixture->store_context, &laptop,
                                                                 laptop_key), ==, 0);
  /* …except while a message is decrypted: it is kept, hidden above. */
  natter_omemo_store_set_receiving (fixture->stores, TRUE);
  g_assert_cmpint (signal_protocol_identity_is_trusted_identity (fixture->store_context, &laptop,
                                                                 laptop_key), ==, 1);
  natter_omemo_store_set_receiving (fixture->stores, FALSE);
  g_assert_cmpint (signal_protocol_identity_is_trusted_identity (fixture->store_context, &laptop,
                                                                 laptop_key), ==, 0);

  /* Once a device of alice is verified, her new keys wait for a decision. */
  g_assert_true (natter_store_omemo_set_trust (fixture->store, fixture->account_id, V, ALICE, 11,
                                               phone_bytes, NATTER_STORE_OMEMO_TRUST_VERIFIED,
                                               NULL));
  g_assert_cmpint (signal_protocol_identity_save_identity (fixture->store_context, &tablet,
                                                           tablet_key), ==, 0);
  g_assert_cmpint (trust_of (fixture, ALICE, 13, tablet_key), ==,
                   NATTER_STORE_OMEMO_TRUST_UNDECIDED);
  /* Saving a known key again keeps its trust. */
  g_assert_cmpint (signal_protocol_identity_save_identity (fixture->store_context, &phone,
                                                           phone_key), ==, 0);
  g_assert_cmpint (trust_of (fixture, ALICE, 11, phone_key), ==, NATTER_STORE_OMEMO_TRUST_VERIFIED);

  SIGNAL_UNREF (phone_key);
  SIGNAL_UNREF (laptop_key);
  SIGNAL_UNREF (tablet_key);
}

static void
test_sessions (Fixture       *fixture,
               gconstpointer  data)
{
  signal_protocol_address one = { ALICE, strlen (ALICE), 1 };
  signal_protocol_address two = { ALICE, strlen (ALICE), 2 };
  signal_protocol_address other = { "bob@example.org", strlen ("bob@example.org"), 1 };
  session_record *record = NULL;
  session_record *loaded = NULL;
  signal_int_list *devices = NULL;

  g_assert_cmpint (signal_protocol_session_contains_session (fixture->store_context, &one), ==, 0);
  /* libsignal makes an empty record for an unknown address. */
  g_assert_cmpint (signal_protocol_session_load_session (fixture->store_context, &loaded, &one),
                   ==, 0);
  g_assert_nonnull (loaded);
  SIGNAL_UNREF (loaded);

  g_assert_cmpint (session_record_create (&record, NULL, fixture->context), ==, 0);
  g_assert_cmpint (signal_protocol_session_store_session (fixture->store_context, &one, record),
                   ==, 0);
  g_assert_cmpint (signal_protocol_session_store_session (fixture->store_context, &two, record),
                   ==, 0);
  g_assert_cmpint (signal_protocol_session_store_session (fixture->store_context, &other, record),
                   ==, 0);
  g_assert_cmpint (signal_protocol_session_contains_session (fixture->store_context, &one), ==, 1);
  g_assert_cmpint (signal_protocol_session_load_session (fixture->store_context, &loaded, &one),
                   ==, 0);
  SIGNAL_UNREF (loaded);

  g_assert_cmpint (signal_protocol_session_get_sub_device_sessions (fixture->store_context,
                                                                    &devices, ALICE,
                                                                    strlen (ALICE)), ==, 2);
  g_assert_cmpuint (signal_int_list_size (devices), ==, 2);
  g_assert_cmpint (signal_int_list_at (devices, 0), ==, 1);
  g_assert_cmpint (signal_int_list_at (devices, 1), ==, 2);
  signal_int_list_free (devices);

  g_assert_cmpint (signal_protocol_session_delete_session (fixture->store_context, &one), ==, 1);
  g_assert_cmpint (signal_protocol_session_delete_session (fixture->store_context, &one), ==, 0);
  g_assert_cmpint (signal_protocol_session_delete_all_sessions (fixture->store_context, ALICE,
                                                                strlen (ALICE)), ==, 1);
  g_assert_cmpint (signal_protocol_session_contains_session (fixture->store_context, &other),
                   ==, 1);
  SIGNAL_UNREF (record);
}

static void
test_pre_keys (Fixture       *fixture,
               gconstpointer  data)
{
  session_pre_key *pre_key = NULL;
  session_signed_pre_key *signed_pre_key = NULL;
  g_autoptr(GArray) removed = NULL;

  /* generate_own made pre-keys 1…100 and signed pre-key 1. */
  g_assert_cmpint (signal_protocol_pre_key_contains_key (fixture->store_context, 1), ==, 1);
  g_assert_cmpint (signal_protocol_pre_key_contains_key (fixture->store_context, 101), ==, 0);
  g_assert_cmpint (signal_protocol_pre_key_load_key (fixture->store_context, &pre_key, 101), ==,
                   SG_ERR_INVALID_KEY_ID);
  g_assert_cmpint (signal_protocol_pre_key_load_key (fixture->store_context, &pre_key, 5), ==, 0);
  g_assert_cmpuint (session_pre_key_get_id (pre_key), ==, 5);
  SIGNAL_UNREF (pre_key);

  g_assert_cmpint (signal_protocol_pre_key_remove_key (fixture->store_context, 5), ==, 0);
  g_assert_cmpint (signal_protocol_pre_key_remove_key (fixture->store_context, 5), ==, 0);
  g_assert_cmpint (signal_protocol_pre_key_contains_key (fixture->store_context, 5), ==, 0);
  /* What libsignal removed is reported once. */
  removed = natter_omemo_store_steal_removed_pre_keys (fixture->stores);
  g_assert_cmpuint (removed->len, ==, 1);
  g_assert_cmpuint (g_array_index (removed, guint32, 0), ==, 5);
  g_clear_pointer (&removed, g_array_unref);
  removed = natter_omemo_store_steal_removed_pre_keys (fixture->stores);
  g_assert_cmpuint (removed->len, ==, 0);

  g_assert_cmpint (signal_protocol_signed_pre_key_contains_key (fixture->store_context, 1), ==, 1);
  g_assert_cmpint (signal_protocol_signed_pre_key_load_key (fixture->store_context,
                                                            &signed_pre_key, 1), ==, 0);
  g_assert_cmpuint (session_signed_pre_key_get_id (signed_pre_key), ==, 1);
  g_assert_cmpint (signal_protocol_signed_pre_key_store_key (fixture->store_context,
                                                             signed_pre_key), ==, 0);
  SIGNAL_UNREF (signed_pre_key);
  g_assert_cmpint (signal_protocol_signed_pre_key_remove_key (fixture->store_context, 1), ==, 0);
  g_assert_cmpint (signal_protocol_signed_pre_key_load_key (fixture->store_context,
                                                            &signed_pre_key, 1), ==,
                   SG_ERR_INVALID_KEY_ID);
}

/* A database failure reaches libsignal as an error code and the caller
 * as the store's own GError. */
static void
test_database_failure (Fixture       *fixture,
                       gconstpointer  data)
{
  signal_protocol_address one = { ALICE, strlen (ALICE), 1 };
  session_record *record = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (natter_omemo_store_take_error (fixture->stores, &error));
  g_assert_cmpint (sqlite3_exec (natter_store_get_sqlite (fixture->store),
                                 "DROP TABLE omemo_sessions", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (session_record_create (&record, NULL, fixture->context), ==, 0);
  g_assert_cmpint (signal_protocol_session_store_session (fixture->store_context, &one, record),
                   ==, NATTER_OMEMO_SG_ERR_STORE);
  SIGNAL_UNREF (record);
  g_assert_true (natter_omemo_store_take_error (fixture->stores, &error));
  g_assert_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_FAILED);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_false (natter_omemo_store_take_error (fixture->stores, &error));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/natter/omemo/store/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("identity-and-trust", test_identity);
  ADD ("sessions", test_sessions);
  ADD ("pre-keys", test_pre_keys);
  ADD ("database-failure", test_database_failure);

#undef ADD

  return g_test_run ();
}
