/* omemo.c: decrypting 10,000 OMEMO messages, as a MAM catch-up does
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: omemo [MESSAGES]
 *
 * Alice and bob each have a store in a temporary directory and an
 * established session (alice's pre-key message answered by bob).  Alice
 * encrypts MESSAGES bodies of 3 to 25 words to bob; each becomes the
 * `<encrypted/>` XmppNode a stanza would carry.  Timed: bob parsing and
 * decrypting all of them in order, one natter_omemo_session_decrypt() each
 * (libsignal's ratchet with its session read from and written back to
 * SQLite, then AES-GCM).  Reference, in the same run: AES-128-GCM
 * decryption alone (natter_omemo_crypto_gcm_decrypt) of the same bodies,
 * each under its own key and IV, the part of the work no OMEMO
 * implementation can skip.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "omemo/omemo.h"
#include "omemo/natter-omemo-crypto.h"
#include "store/store.h"

#define ALICE "alice@example.org"
#define BOB "bob@example.org"

static const char * const words[] = {
  "the", "a", "and", "to", "of", "in", "is", "you", "that", "it", "for", "on", "with", "are",
  "this", "be", "at", "have", "was", "not", "tomorrow", "meeting", "lunch", "coffee", "train",
  "late", "sorry", "thanks", "great", "see", "later", "home", "work", "call", "now", "ok",
  "weekend", "dinner", "photo", "link", "review", "patch", "build", "release", "server",
  "tonight", "morning", "running", "café", "naïve", "über", "日本", "😀", "https://example.org",
};

typedef struct
{
  NatterStore        *store;
  gint64              account_id;
  NatterOmemoSession *omemo;
} Peer;

static char *
make_body (GRand *rand)
{
  GString *body = g_string_new (NULL);
  int n = g_rand_int_range (rand, 3, 25);

  for (int i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (body, ' ');
      g_string_append (body, words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))]);
    }
  return g_string_free (body, FALSE);
}

static double
s_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

static void
peer_open (Peer       *peer,
           const char *dir,
           const char *jid)
{
  g_autoptr(NatterStoreAccount) account = natter_store_account_new ();
  g_autofree char *path = g_strdup_printf ("%s/%s.db", dir, jid);
  g_autoptr(GError) error = NULL;

  peer->store = natter_store_open (path, &error);
  if (peer->store == NULL)
    g_error ("%s", error->message);
  account->jid = g_strdup (jid);
  if (!natter_store_add_account (peer->store, account, &error))
    g_error ("%s", error->message);
  peer->account_id = account->id;
  peer->omemo = natter_omemo_session_new (peer->store, peer->account_id, jid, &error);
  if (peer->omemo == NULL)
    g_error ("%s", error->message);
}

static void
peer_close (Peer *peer)
{
  g_clear_object (&peer->omemo);
  natter_store_close (peer->store);
  g_clear_object (&peer->store);
}

static NatterOmemoEncrypted *
encrypt_or_die (Peer       *from,
                const char *to,
                const char *body)
{
  const char *jids[] = { to, NULL };
  g_autoptr(GError) error = NULL;
  NatterOmemoEncrypted *encrypted = natter_omemo_session_encrypt (from->omemo, body, jids, &error);

  if (encrypted == NULL)
    g_error ("%s", error->message);
  return encrypted;
}

static void
decrypt_or_die (Peer                 *peer,
                const char           *from,
                NatterOmemoEncrypted *encrypted)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NatterOmemoDecrypted) decrypted = NULL;

  decrypted = natter_omemo_session_decrypt (peer->omemo, from, encrypted, &error);
  if (decrypted == NULL)
    g_error ("%s", error->message);
}

/* Alice and bob with a session both ways. */
static void
introduce (Peer *alice,
           Peer *bob)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NatterOmemoBundle) bundle = natter_omemo_session_dup_bundle (bob->omemo, &error);
  g_autoptr(NatterOmemoEncrypted) hello = NULL;
  g_autoptr(NatterOmemoEncrypted) reply = NULL;
  guint32 alice_device = natter_omemo_session_get_device_id (alice->omemo);
  guint32 bob_device = natter_omemo_session_get_device_id (bob->omemo);

  if (bundle == NULL ||
      !natter_omemo_session_set_device_list (alice->omemo, BOB, &bob_device, 1, &error) ||
      !natter_omemo_session_set_device_list (bob->omemo, ALICE, &alice_device, 1, &error) ||
      !natter_omemo_session_process_bundle (alice->omemo, BOB, bob_device, bundle, &error))
    g_error ("%s", error->message);
  hello = encrypt_or_die (alice, BOB, "hello");
  decrypt_or_die (bob, ALICE, hello);
  reply = encrypt_or_die (bob, ALICE, "hi");
  decrypt_or_die (alice, BOB, reply);
}

static void
remove_database (const char *dir,
                 const char *jid)
{
  const char *suffixes[] = { "", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/%s.db%s", dir, jid, suffixes[i]);

      g_unlink (path);
    }
}

int
main (int   argc,
      char *argv[])
{
  guint total = argc > 1 ? (guint) atoi (argv[1]) : 10000;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(GPtrArray) bodies = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_node_unref);
  g_autofree char *dir = NULL;
  g_autofree guint8 *keys = NULL;
  g_autofree guint8 *ivs = NULL;
  g_autofree guint8 *tags = NULL;
  g_autoptr(GPtrArray) ciphertexts = NULL;
  Peer alice = { 0, }, bob = { 0, };
  gint64 start;
  double prepare_s, decrypt_s, parse_s, reference_s;
  gsize body_bytes = 0;

  if (total == 0)
    g_error ("usage: omemo [MESSAGES]");
  ciphertexts = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  dir = g_dir_make_tmp ("natter-omemo-bench-XXXXXX", &error);
  if (dir == NULL)
    g_error ("%s", error->message);

  peer_open (&alice, dir, ALICE);
  peer_open (&bob, dir, BOB);
  introduce (&alice, &bob);

  /* What the archive holds: alice's messages as <encrypted/> elements. */
  start = g_get_monotonic_time ();
  for (guint i = 0; i < total; i++)
    {
      char *body = make_body (rand);
      g_autoptr(NatterOmemoEncrypted) encrypted = encrypt_or_die (&alice, BOB, body);

      body_bytes += strlen (body);
      g_ptr_array_add (bodies, body);
      g_ptr_array_add (nodes, natter_omemo_encrypted_to_node (encrypted));
    }
  prepare_s = s_since (start);

  /* Parsing alone, to tell it apart in the total. */
  start = g_get_monotonic_time ();
  for (guint i = 0; i < total; i++)
    {
      g_autoptr(NatterOmemoEncrypted) encrypted = natter_omemo_encrypted_parse (nodes->pdata[i],
                                                                                &error);

      if (encrypted == NULL)
        g_error ("%s", error->message);
    }
  parse_s = s_since (start);

  /* The catch-up. */
  start = g_get_monotonic_time ();
  for (guint i = 0; i < total; i++)
    {
      g_autoptr(NatterOmemoEncrypted) encrypted = natter_omemo_encrypted_parse (nodes->pdata[i],
                                                                                &error);
      g_autoptr(NatterOmemoDecrypted) decrypted = NULL;

      if (encrypted == NULL)
        g_error ("%s", error->message);
      decrypted = natter_omemo_session_decrypt (bob.omemo, ALICE, encrypted, &error);
      if (decrypted == NULL)
        g_error ("message %u: %s", i, error->message);
      if (strcmp (decrypted->body, bodies->pdata[i]) != 0)
        g_error ("message %u decrypted to something else", i);
    }
  decrypt_s = s_since (start);

  /* Reference: AES-128-GCM alone over the same bodies, each with its own
   * key and IV, prepared outside the timing. */
  keys = g_malloc (total * 16);
  ivs = g_malloc (total * 12);
  tags = g_malloc (total * 16);
  if (!natter_omemo_crypto_random (keys, total * 16, &error) ||
      !natter_omemo_crypto_random (ivs, total * 12, &error))
    g_error ("%s", error->message);
  for (guint i = 0; i < total; i++)
    {
      const char *body = bodies->pdata[i];
      GBytes *ciphertext = natter_omemo_crypto_gcm_encrypt (keys + i * 16, ivs + i * 12, 12,
                                                            (const guint8 *) body, strlen (body),
                                                            tags + i * 16, &error);

      if (ciphertext == NULL)
        g_error ("%s", error->message);
      g_ptr_array_add (ciphertexts, ciphertext);
    }
  start = g_get_monotonic_time ();
  for (guint i = 0; i < total; i++)
    {
      GBytes *ciphertext = ciphertexts->pdata[i];
      g_autoptr(GBytes) plaintext = NULL;

      plaintext = natter_omemo_crypto_gcm_decrypt (keys + i * 16, ivs + i * 12, 12,
                                                   g_bytes_get_data (ciphertext, NULL),
                                                   g_bytes_get_size (ciphertext),
                                                   tags + i * 16, &error);
      if (plaintext == NULL)
        g_error ("%s", error->message);
    }
  reference_s = s_since (start);

  g_print ("omemo: %u messages from one device over an established session, "
           "%.0f bytes a body on average\n", total, (double) body_bytes / total);
  g_print ("  encrypt (to prepare the archive) %8.2f s   %8.0f messages/s\n",
           prepare_s, total / prepare_s);
  g_print ("  parse <encrypted/> alone         %8.3f s   %8.0f messages/s\n",
           parse_s, total / parse_s);
  g_print ("  catch-up: parse + decrypt        %8.2f s   %8.0f messages/s   (target < 3 s)\n",
           decrypt_s, total / decrypt_s);
  g_print ("  reference, AES-128-GCM alone     %8.3f s   %8.0f messages/s\n",
           reference_s, total / reference_s);
  g_print ("  ratio catch-up / reference       %8.1f\n", decrypt_s / reference_s);

  peer_close (&alice);
  peer_close (&bob);
  remove_database (dir, ALICE);
  remove_database (dir, BOB);
  g_rmdir (dir);
  return decrypt_s < 3.0 ? 0 : 1;
}
