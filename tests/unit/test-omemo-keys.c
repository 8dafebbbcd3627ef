/* test-omemo-keys.c: identity, device ids, pre-keys, signed pre-key rotation, fingerprints
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "omemo/omemo.h"
#include "omemo/natter-omemo-crypto.h"
#include "omemo/natter-omemo-keys.h"

#define ME "me@example.org"
#define T0 G_GINT64_CONSTANT (1767225600000000)   /* 2026-01-01, in µs */
#define DAY G_TIME_SPAN_DAY
#define V NATTER_STORE_OMEMO_VERSION_LEGACY

typedef struct
{
  NatterStore    *store;
  gint64          account_id;
  signal_context *context;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "omemo-keys", NULL);
  g_autofree char *path = NULL;
  g_autoptr(NatterStoreAccount) account = natter_store_account_new ();
  g_autoptr(GError) error = NULL;
  static guint counter;

  g_assert_no_errno (g_mkdir_with_parents (dir, 0700));
  path = g_strdup_printf ("%s/keys-%u.db", dir, counter++);
  fixture->store = natter_store_open (path, &error);
  g_assert_no_error (error);
  account->jid = g_strdup (ME);
  g_assert_true (natter_store_add_account (fixture->store, account, &error));
  fixture->account_id = account->id;
  g_assert_cmpint (signal_context_create (&fixture->context, NULL), ==, 0);
  g_assert_cmpint (signal_context_set_crypto_provider (fixture->context,
                                                       natter_omemo_crypto_get_provider ()), ==, 0);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  signal_context_destroy (fixture->context);
  natter_store_close (fixture->store);
  g_assert_finalize_object (fixture->store);
}

static GArray *
pre_key_ids (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  GArray *ids = natter_store_omemo_list_pre_key_ids (fixture->store, fixture->account_id, V,
                                                     &error);

  g_assert_no_error (error);
  return ids;
}

static void
remove_pre_key (Fixture *fixture,
                guint32  id)
{
  gboolean removed = FALSE;

  g_assert_true (natter_store_omemo_remove_pre_key (fixture->store, fixture->account_id, V, id,
                                                    &removed, NULL));
  g_assert_true (removed);
}

static void
test_fingerprint_format (Fixture       *fixture,
                         gconstpointer  data)
{
  guint8 key[33];
  g_autoptr(GBytes) serialized = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(GBytes) wrong_type = NULL;
  g_autoptr(GBytes) short_key = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autofree char *d = NULL;

  key[0] = 0x05;
  for (guint i = 1; i < 33; i++)
    key[i] = (guint8) (i == 32 ? 0xff : i * 7);
  serialized = g_bytes_new (key, 33);
  raw = g_bytes_new (key + 1, 32);
  a = natter_omemo_fingerprint_format (serialized);
  b = natter_omemo_fingerprint_format (raw);
  g_assert_cmpstr (a, ==,
                   "070e151c 232a3138 3f464d54 5b626970 777e858c 939aa1a8 afb6bdc4 cbd2d9ff");
  g_assert_cmpstr (b, ==, a);

  key[0] = 0x06;
  wrong_type = g_bytes_new (key, 33);
  short_key = g_bytes_new (key, 31);
  c = natter_omemo_fingerprint_format (wrong_type);
  d = natter_omemo_fingerprint_format (short_key);
  g_assert_null (c);
  g_assert_null (d);
}

static void
test_device_id (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GArray) taken = g_array_new (FALSE, FALSE, sizeof (guint32));

  for (guint i = 0; i < 2000; i++)
    {
      guint32 id = natter_omemo_keys_pick_device_id (&g_array_index (taken, guint32, 0),
                                                       taken->len);

      g_assert_cmpuint (id, >=, 1);
      g_assert_cmpuint (id, <=, 0x7fffffff);
      for (guint j = 0; j < taken->len; j++)
        g_assert_cmpuint (g_array_index (taken, guint32, j), !=, id);
      g_array_append_val (taken, id);
    }
}

/* A new identity avoids every device id of the account's own list. */
static void
test_generate_own (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NatterStoreOmemoOwn) own = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GArray) signed_keys = NULL;
  g_autoptr(NatterOmemoBundle) bundle = NULL;
  guint32 others[] = { 1, 2, 3, 0x7fffffff };

  g_assert_true (natter_store_omemo_set_device_list (fixture->store, fixture->account_id, V, ME,
                                                     others, G_N_ELEMENTS (others), &error));
  g_assert_true (natter_omemo_keys_generate_own (fixture->context, fixture->store,
                                                 fixture->account_id, ME, T0, &error));
  g_assert_no_error (error);

  own = natter_store_omemo_get_own (fixture->store, fixture->account_id, V, &error);
  g_assert_nonnull (own);
  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    g_assert_cmpuint (own->device_id, !=, others[i]);
  g_assert_cmpuint (own->registration_id, >=, 1);
  g_assert_cmpuint (own->registration_id, <=, 16380);
  g_assert_cmpuint (g_bytes_get_size (own->identity_public), ==, 33);
  g_assert_cmpuint (((const guint8 *) g_bytes_get_data (own->identity_public, NULL))[0], ==, 5);
  g_assert_cmpuint (g_bytes_get_size (own->identity_private), ==, 32);
  g_assert_cmpint (own->created, ==, T0);

  ids = pre_key_ids (fixture);
  g_assert_cmpuint (ids->len, ==, NATTER_OMEMO_PRE_KEY_COUNT);
  g_assert_cmpuint (g_array_index (ids, guint32, 0), ==, 1);
  g_assert_cmpuint (g_array_index (ids, guint32, 99), ==, 100);
  signed_keys = natter_store_omemo_list_signed_pre_keys (fixture->store, fixture->account_id, V,
                                                         &error);
  g_assert_cmpuint (signed_keys->len, ==, 1);
  g_assert_cmpint (g_array_index (signed_keys, NatterStoreOmemoSignedPreKey, 0).created, ==, T0);

  bundle = natter_omemo_keys_build_bundle (fixture->context, fixture->store, fixture->account_id,
                                           &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (bundle->identity_key, own->identity_public));
  g_assert_cmpuint (bundle->signed_pre_key_id, ==, 1);
  g_assert_cmpuint (g_bytes_get_size (bundle->signed_pre_key), ==, 33);
  g_assert_cmpuint (g_bytes_get_size (bundle->signed_pre_key_signature), ==, 64);
  g_assert_cmpuint (bundle->pre_keys->len, ==, NATTER_OMEMO_PRE_KEY_COUNT);
  /* Every pre-key is its own key. */
  for (guint i = 1; i < bundle->pre_keys->len; i++)
    {
      NatterOmemoPreKeyPublic *first = bundle->pre_keys->pdata[0];
      NatterOmemoPreKeyPublic *other = bundle->pre_keys->pdata[i];

      g_assert_false (g_bytes_equal (first->public_key, other->public_key));
    }
}

static void
test_replenish (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  guint added = 99;

  g_assert_true (natter_omemo_keys_generate_own (fixture->context, fixture->store,
                                                 fixture->account_id, ME, T0, &error));

  /* Full: nothing to do. */
  g_assert_true (natter_omemo_keys_replenish_pre_keys (fixture->context, fixture->store,
                                                       fixture->account_id, 100, &added, &error));
  g_assert_cmpuint (added, ==, 0);

  /* Used ones are replaced by new ids, never by the used ones. */
  remove_pre_key (fixture, 7);
  remove_pre_key (fixture, 100);
  g_assert_true (natter_omemo_keys_replenish_pre_keys (fixture->context, fixture->store,
                                                       fixture->account_id, 100, &added, &error));
  g_assert_cmpuint (added, ==, 2);
  ids = pre_key_ids (fixture);
  g_assert_cmpuint (ids->len, ==, 100);
  g_assert_cmpuint (g_array_index (ids, guint32, 98), ==, 101);
  g_assert_cmpuint (g_array_index (ids, guint32, 99), ==, 102);
  g_clear_pointer (&ids, g_array_unref);

  /* Ids wrap at libsignal's 2²⁴ − 1 and skip those in use. */
  g_assert_true (natter_store_set_account_setting (fixture->store, fixture->account_id,
                                                   "omemo-next-pre-key-id", "16777215", &error));
  remove_pre_key (fixture, 50);
  remove_pre_key (fixture, 60);
  g_assert_true (natter_omemo_keys_replenish_pre_keys (fixture->context, fixture->store,
                                                       fixture->account_id, 100, &added, &error));
  g_assert_cmpuint (added, ==, 2);
  ids = pre_key_ids (fixture);
  g_assert_cmpuint (ids->len, ==, 100);
  /* 16777215, then 1…6 are in use, 7 is free. */
  g_assert_cmpuint (g_array_index (ids, guint32, 99), ==, 16777215);
  g_assert_cmpuint (g_array_index (ids, guint32, 6), ==, 7);
}

static void
test_rotate (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gboolean rotated = TRUE;
  gint64 max_age = 7 * DAY;
  gint64 grace = 2 * DAY;

  g_assert_true (natter_omemo_keys_generate_own (fixture->context, fixture->store,
                                                 fixture->account_id, ME, T0, &error));

  /* Young: kept. */
  g_assert_true (natter_omemo_keys_rotate_signed_pre_key (fixture->context, fixture->store,
                                                          fixture->account_id, T0 + 6 * DAY,
                                                          max_age, grace, &rotated, &error));
  g_assert_false (rotated);

  /* Old: replaced, the previous one kept for the grace time. */
  g_assert_true (natter_omemo_keys_rotate_signed_pre_key (fixture->context, fixture->store,
                                                          fixture->account_id, T0 + 8 * DAY,
                                                          max_age, grace, &rotated, &error));
  g_assert_true (rotated);
  {
    g_autoptr(GArray) keys = natter_store_omemo_list_signed_pre_keys (fixture->store,
                                                                      fixture->account_id, V,
                                                                      &error);
    g_autoptr(NatterOmemoBundle) bundle = natter_omemo_keys_build_bundle (fixture->context,
                                                                          fixture->store,
                                                                          fixture->account_id,
                                                                          &error);

    g_assert_cmpuint (keys->len, ==, 2);
    g_assert_cmpuint (g_array_index (keys, NatterStoreOmemoSignedPreKey, 0).id, ==, 2);
    g_assert_cmpuint (g_array_index (keys, NatterStoreOmemoSignedPreKey, 1).id, ==, 1);
    g_assert_cmpuint (bundle->signed_pre_key_id, ==, 2);
  }

  g_assert_true (natter_omemo_keys_rotate_signed_pre_key (fixture->context, fixture->store,
                                                          fixture->account_id, T0 + 9 * DAY,
                                                          max_age, grace, &rotated, &error));
  g_assert_false (rotated);
  {
    g_autoptr(GArray) keys = natter_store_omemo_list_signed_pre_keys (fixture->store,
                                                                      fixture->account_id, V,
                                                                      &error);

    g_assert_cmpuint (keys->len, ==, 2);
  }

  /* Grace over: the old one goes. */
  g_assert_true (natter_omemo_keys_rotate_signed_pre_key (fixture->context, fixture->store,
                                                          fixture->account_id, T0 + 10 * DAY,
                                                          max_age, grace, &rotated, &error));
  g_assert_false (rotated);
  {
    g_autoptr(GArray) keys = natter_store_omemo_list_signed_pre_keys (fixture->store,
                                                                      fixture->account_id, V,
                                                                      &error);
    g_autoptr(GBytes) old = natter_store_omemo_load_signed_pre_key (fixture->store,
                                                                    fixture->account_id, V, 1,
                                                                    &error);

    g_assert_no_error (error);
    g_assert_cmpuint (keys->len, ==, 1);
    g_assert_null (old);
  }
}

/* Without an identity there is neither a signed pre-key nor a bundle. */
static void
test_needs_identity (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NatterOmemoBundle) bundle = NULL;

  g_assert_false (natter_omemo_keys_rotate_signed_pre_key (fixture->context, fixture->store,
                                                           fixture->account_id, T0, DAY, DAY,
                                                           NULL, &error));
  g_assert_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_FAILED);
  g_clear_error (&error);
  bundle = natter_omemo_keys_build_bundle (fixture->context, fixture->store, fixture->account_id,
                                           &error);
  g_assert_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_FAILED);
  g_assert_null (bundle);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/natter/omemo/keys/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("fingerprint-format", test_fingerprint_format);
  ADD ("device-id", test_device_id);
  ADD ("generate-own", test_generate_own);
  ADD ("replenish", test_replenish);
  ADD ("rotate-signed-pre-key", test_rotate);
  ADD ("needs-identity", test_needs_identity);

#undef ADD

  return g_test_run ();
}
