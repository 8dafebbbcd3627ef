/* test-core-omemo.c: OMEMO device lists, bundles, trust and encryption through the core against Prosody
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs inside build-aux/test-session (keyring).  Each device is a store
 * and account list of its own in the isolated data directory: Alice has
 * up to three, Bob one.  On Prosody only contacts read each other's nodes
 * reliably and hear of each other's device lists, so they are made
 * contacts first.  Encrypted elements are handed to the other side
 * directly: the messaging pipeline is not wired to OMEMO here.
 */
#include "config.h"

#include <string.h>

#include "core/core.h"
#include "core/natter-account-list-private.h"
#include "core/natter-account-private.h"
#include "core/natter-omemo-private.h"
#include "omemo/omemo.h"
#include "store/store.h"
#include "xmpp/xmpp.h"
#include "xmpp/xmpp-pep-private.h"

#include "natter-test-server.h"
#include "natter-test-xmpp.h"
#include "../unit/test-core-helpers.h"
#include "test-core-waiting.h"

#define WAIT_S 30
#define HOST NATTER_TEST_DOMAIN
#define ALICE "alice@" HOST
#define BOB "bob@" HOST
#define DEVICELIST NATTER_OMEMO_NS_DEVICELIST

typedef struct
{
  char              *path;
  NatterStore       *store;
  NatterAccountList *accounts;
  NatterAccount     *account;
  NatterOmemo       *omemo;
  GPtrArray         *added;        /* "jid device" of ::device-added */
  guint              changed;
} Device;

typedef struct
{
  NatterTestServer *server;
  GTlsDatabase     *database;
  GPtrArray        *devices;
  guint             tick;
} Fixture;

static void
device_added_cb (NatterOmemo *omemo,
                 const char  *jid,
                 guint        device_id,
                 Device      *device)
{
  g_ptr_array_add (device->added, g_strdup_printf ("%s %u", jid, device_id));
}

static void
devices_changed_cb (NatterOmemo *omemo,
                    const char  *jid,
                    Device      *device)
{
  device->changed++;
}

static void
device_free (Device *device)
{
  g_signal_handlers_disconnect_by_data (device->omemo, device);
  natter_account_list_disconnect_all (device->accounts);
  spin (50);
  g_assert_finalize_object (device->accounts);
  natter_store_close (device->store);
  g_assert_finalize_object (device->store);
  g_ptr_array_unref (device->added);
  g_free (device->path);
  g_free (device);
}

/* A device of @jid online, with its bundle and device list published. */
static Device *
device_new (Fixture    *fixture,
            const char *jid,
            const char *resource)
{
  g_autofree char *path = NULL;
  g_autofree char *name = g_strdup_printf ("%s-%s.db", jid, resource);
  g_autoptr(GError) error = NULL;
  NatterAccountOptions options = { NULL, };
  Waiter waiter = { 0, };
  Device *device = g_new0 (Device, 1);

  path = g_build_filename (g_get_user_data_dir (), name, NULL);
  device->path = g_strdup (path);
  device->store = natter_store_open (path, &error);
  g_assert_no_error (error);
  device->accounts = natter_account_list_new (device->store, &error);
  g_assert_no_error (error);
  natter_account_list_set_tls_database (device->accounts, fixture->database);
  device->added = g_ptr_array_new_with_free_func (g_free);

  options.resource = resource;
  options.host = "127.0.0.1";
  options.port = natter_test_server_get_direct_tls_port (fixture->server);
  options.direct_tls = TRUE;
  natter_account_list_add_async (device->accounts, jid, "secret", &options, NULL,
                                 waiter_cb, &waiter);
  WAIT_FOR (waiter.done, "the account to be added");
  device->account = natter_account_list_add_finish (device->accounts, waiter.result, &error);
  g_assert_no_error (error);
  g_object_unref (waiter.result);
  g_object_unref (device->account);
  device->omemo = natter_account_get_omemo (device->account);
  g_assert_true (NATTER_IS_OMEMO (device->omemo));
  g_signal_connect (device->omemo, "device-added", G_CALLBACK (device_added_cb), device);
  g_signal_connect (device->omemo, "devices-changed", G_CALLBACK (devices_changed_cb), device);
  g_ptr_array_add (fixture->devices, device);

  WAIT_FOR (natter_account_get_state (device->account) == NATTER_ACCOUNT_STATE_ONLINE,
            "the account to be online");
  WAIT_FOR (natter_omemo_get_ready (device->omemo), "the bundle and device list published");
  g_assert_cmpuint (natter_omemo_get_device_id (device->omemo), >, 0);
  return device;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *names[] = { "alice", "bob" };

  fixture->server = natter_test_server_start (NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      natter_test_server_add_account (fixture->server, names[i], "secret", &error);
      g_assert_no_error (error);
    }
  fixture->database = natter_test_server_dup_tls_database (fixture->server, &error);
  g_assert_no_error (error);
  fixture->devices = g_ptr_array_new_with_free_func ((GDestroyNotify) device_free);
  fixture->tick = g_timeout_add (50, tick_cb, NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->devices, g_ptr_array_unref);
  g_clear_handle_id (&fixture->tick, g_source_remove);
  g_clear_object (&fixture->database);
  g_clear_pointer (&fixture->server, natter_test_server_free);
}

/* Contacts and rosters */

static NatterContact *
lookup_contact (Device     *device,
                const char *jid)
{
  return natter_roster_lookup (natter_account_get_roster (device->account), jid);
}

/* @a and @b see each other's presence. */
static void
subscribe_both (Device *a,
                Device *b)
{
  g_autoptr(GError) error = NULL;
  NatterRoster *roster = natter_account_get_roster (a->account);
  const char *a_jid = natter_account_get_jid (a->account);
  const char *b_jid = natter_account_get_jid (b->account);
  Waiter waiter = { 0, };

  natter_roster_add_contact_async (roster, b_jid, NULL, NULL, NULL, waiter_cb, &waiter);
  WAIT_FOR (waiter.done, "the contact to be added");
  g_assert_true (natter_roster_add_contact_finish (roster, waiter.result, &error));
  g_assert_no_error (error);
  g_object_unref (waiter.result);
  WAIT_FOR (lookup_contact (b, a_jid) != NULL &&
            natter_contact_get_pending_in (lookup_contact (b, a_jid)),
            "the request");
  g_assert_true (natter_roster_approve (natter_account_get_roster (b->account),
                                        lookup_contact (b, a_jid), &error));
  g_assert_no_error (error);
  WAIT_FOR (lookup_contact (a, b_jid) != NULL &&
            natter_contact_get_subscription (lookup_contact (a, b_jid)) ==
            NATTER_SUBSCRIPTION_BOTH,
            "the subscription");
}

/* Devices */

static NatterOmemoDevice *
find_device (Device     *device,
             const char *jid,
             guint32     device_id)
{
  GListModel *model = natter_omemo_get_devices (device->omemo, jid);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(NatterOmemoDevice) item = g_list_model_get_item (model, i);

      if (natter_omemo_device_get_device_id (item) == device_id)
        return item;   /* the model keeps it alive */
    }
  return NULL;
}

static gboolean
knows_active (Device     *device,
              const char *jid,
              guint32     device_id)
{
  NatterOmemoDevice *item = find_device (device, jid, device_id);

  return item != NULL && natter_omemo_device_get_active (item);
}

static guint32
id_of (Device *device)
{
  return natter_omemo_get_device_id (device->omemo);
}

/* The device list on the server, as @reader fetches it. */
static GArray *
fetch_list (Device     *reader,
            const char *owner)
{
  g_autoptr(XmppJid) jid = xmpp_jid_new (owner, NULL);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  XmppPep *pep = natter_account_get_pep (reader->account);
  Waiter waiter = { 0, };
  GArray *ids;

  xmpp_pep_fetch_async (pep, jid, DEVICELIST, "current", NULL, waiter_cb, &waiter);
  WAIT_FOR (waiter.done, "the device list");
  items = xmpp_pep_fetch_finish (pep, waiter.result, &error);
  g_object_unref (waiter.result);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 1);
  ids = natter_omemo_device_list_parse (((XmppPepItem *) items->pdata[0])->payload, &error);
  g_assert_no_error (error);
  return ids;
}

static gboolean
has_id (GArray  *ids,
        guint32  id)
{
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, guint32, i) == id)
      return TRUE;
  return FALSE;
}

static gboolean
server_list_has (Device     *reader,
                 const char *owner,
                 guint32     id)
{
  g_autoptr(GArray) ids = fetch_list (reader, owner);

  return has_id (ids, id);
}

/* Encrypting and decrypting */

static XmppNode *
encrypt (Device      *device,
         const char  *peer,
         const char  *body,
         GError     **error)
{
  Waiter waiter = { 0, };
  XmppNode *node;

  natter_omemo_encrypt_async (device->omemo, peer, body, NULL, waiter_cb, &waiter);
  WAIT_FOR (waiter.done, "encrypting");
  node = natter_omemo_encrypt_finish (device->omemo, waiter.result, error);
  g_object_unref (waiter.result);
  return node;
}

static XmppNode *
encrypt_ok (Device     *device,
            const char *peer,
            const char *body)
{
  g_autoptr(GError) error = NULL;
  XmppNode *node = encrypt (device, peer, body, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static void
assert_decrypts (Device     *device,
                 const char *from,
                 XmppNode   *node,
                 const char *body)
{
  g_autoptr(XmppJid) jid = xmpp_jid_new (from, NULL);
  g_autoptr(NatterOmemoDecrypted) decrypted = NULL;
  g_autoptr(GError) error = NULL;

  decrypted = natter_omemo_decrypt (device->omemo, jid, node, &error);
  g_assert_no_error (error);
  g_assert_nonnull (decrypted);
  g_assert_cmpstr (decrypted->body, ==, body);
}

static gboolean
has_key_for (XmppNode *node,
             guint32   device_id)
{
  g_autoptr(NatterOmemoEncrypted) parsed = NULL;
  g_autoptr(GError) error = NULL;

  parsed = natter_omemo_encrypted_parse (node, &error);
  g_assert_no_error (error);
  return natter_omemo_encrypted_find_key (parsed, device_id) != NULL;
}

static void
fetch_bundles (Device     *device,
               const char *jid)
{
  g_autoptr(GError) error = NULL;
  Waiter waiter = { 0, };

  natter_omemo_fetch_bundles_async (device->omemo, jid, NULL, waiter_cb, &waiter);
  WAIT_FOR (waiter.done, "the bundles");
  natter_omemo_fetch_bundles_finish (device->omemo, waiter.result, &error);
  g_object_unref (waiter.result);
  g_assert_no_error (error);
}

/* Each device publishes its bundle and joins the account's list without
 * dropping the other; Bob hears of Alice's second device through
 * +notify; what Bob encrypts for Alice both her devices read, what
 * Alice's first device writes to Bob her second device reads too, and a
 * tampered element gives no plaintext. */
static void
test_publish_notify_encrypt_decrypt (Fixture       *fixture,
                                     gconstpointer  data)
{
  Device *alice1 = device_new (fixture, ALICE, "one");
  Device *bob = device_new (fixture, BOB, "desk");
  Device *alice2;
  g_autoptr(XmppNode) to_alice = NULL;
  g_autoptr(XmppNode) to_bob = NULL;
  g_autoptr(XmppNode) tampered = NULL;
  g_autoptr(NatterOmemoEncrypted) parsed = NULL;
  g_autoptr(NatterOmemoDecrypted) decrypted = NULL;
  g_autoptr(XmppJid) bob_jid = xmpp_jid_new (BOB "/desk", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *added = NULL;
  NatterOmemoDevice *item;
  guint8 *bytes;
  gsize length;

  g_assert_true (server_list_has (bob, ALICE, id_of (alice1)));
  g_assert_true (server_list_has (alice1, BOB, id_of (bob)));
  subscribe_both (alice1, bob);

  alice2 = device_new (fixture, ALICE, "two");
  g_assert_cmpuint (id_of (alice2), !=, id_of (alice1));

  /* Neither drops the other, on the server and in what each knows. */
  WAIT_FOR (knows_active (alice1, ALICE, id_of (alice2)), "Alice's first device to see her second");
  g_assert_true (server_list_has (bob, ALICE, id_of (alice1)));
  g_assert_true (server_list_has (bob, ALICE, id_of (alice2)));
  g_assert_true (knows_active (alice2, ALICE, id_of (alice1)));
  g_assert_true (natter_omemo_device_get_own (find_device (alice2, ALICE, id_of (alice2))));
  g_assert_false (natter_omemo_device_get_own (find_device (alice2, ALICE, id_of (alice1))));

  /* Bob was told, not asked. */
  WAIT_FOR (knows_active (bob, ALICE, id_of (alice2)), "Bob to hear of Alice's second device");
  g_assert_true (knows_active (bob, ALICE, id_of (alice1)));
  g_assert_true (natter_omemo_has_devices (bob->omemo, ALICE));
  added = g_strdup_printf (ALICE " %u", id_of (alice2));
  g_assert_true (g_ptr_array_find_with_equal_func (bob->added, added, g_str_equal, NULL));
  g_assert_null (natter_omemo_device_get_fingerprint (find_device (bob, ALICE, id_of (alice2))));

  /* Bob to Alice: both her devices read it. */
  to_alice = encrypt_ok (bob, ALICE, "hello Alice");
  g_assert_true (has_key_for (to_alice, id_of (alice1)));
  g_assert_true (has_key_for (to_alice, id_of (alice2)));
  g_assert_false (has_key_for (to_alice, id_of (bob)));
  assert_decrypts (alice1, BOB "/desk", to_alice, "hello Alice");
  assert_decrypts (alice2, BOB "/desk", to_alice, "hello Alice");

  /* Blind trust: Bob's view of Alice's devices, with fingerprints. */
  item = find_device (bob, ALICE, id_of (alice1));
  g_assert_cmpint (natter_omemo_device_get_trust (item), ==, NATTER_OMEMO_TRUST_TRUSTED);
  {
    g_autofree char *fingerprint = natter_omemo_dup_own_fingerprint (alice1->omemo);

    g_assert_cmpstr (natter_omemo_device_get_fingerprint (item), ==, fingerprint);
    g_assert_cmpuint (strlen (fingerprint), ==, 71);
  }

  /* Alice's first device to Bob: her second device reads it too. */
  to_bob = encrypt_ok (alice1, BOB, "hello Bob");
  g_assert_true (has_key_for (to_bob, id_of (bob)));
  g_assert_true (has_key_for (to_bob, id_of (alice2)));
  g_assert_false (has_key_for (to_bob, id_of (alice1)));
  assert_decrypts (bob, ALICE "/one", to_bob, "hello Bob");
  assert_decrypts (alice2, ALICE, to_bob, "hello Bob");

  /* A replay is refused, not decrypted twice. */
  decrypted = natter_omemo_decrypt (bob->omemo, bob_jid, to_bob, &error);
  g_assert_null (decrypted);
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* A changed payload: no plaintext, and the session goes on. */
  g_clear_pointer (&to_alice, xmpp_node_unref);
  to_alice = encrypt_ok (bob, ALICE, "second");
  parsed = natter_omemo_encrypted_parse (to_alice, &error);
  g_assert_no_error (error);
  bytes = g_bytes_unref_to_data (g_steal_pointer (&parsed->payload), &length);
  bytes[0] ^= 0x01;
  parsed->payload = g_bytes_new_take (bytes, length);
  tampered = natter_omemo_encrypted_to_node (parsed);
  {
    g_autoptr(XmppJid) from = xmpp_jid_new (BOB, NULL);

    decrypted = natter_omemo_decrypt (alice1->omemo, from, tampered, &error);
    g_assert_null (decrypted);
    g_assert_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_AUTHENTICATION);
    g_clear_error (&error);
  }
  assert_decrypts (alice1, BOB, to_alice, "second");

  /* Not for this device: Bob's own element to Alice. */
  {
    g_autoptr(XmppJid) from = xmpp_jid_new (ALICE, NULL);

    decrypted = natter_omemo_decrypt (bob->omemo, from, to_alice, &error);
    g_assert_null (decrypted);
    g_assert_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_NOT_FOR_THIS_DEVICE);
    g_clear_error (&error);
  }
}

/* Blind trust before verification: Alice's new devices are trusted until
 * Bob verifies one of them; after that a new device is undecided and
 * encrypting refuses, naming it, until Bob decides.  A distrusted device
 * gets no key. */
static void
test_trust (Fixture       *fixture,
            gconstpointer  data)
{
  Device *alice1 = device_new (fixture, ALICE, "one");
  Device *bob = device_new (fixture, BOB, "desk");
  Device *alice2;
  Device *alice3;
  g_autoptr(XmppNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id3 = NULL;
  NatterOmemoDevice *item;

  subscribe_both (alice1, bob);
  node = encrypt_ok (bob, ALICE, "one");
  g_clear_pointer (&node, xmpp_node_unref);

  alice2 = device_new (fixture, ALICE, "two");
  WAIT_FOR (knows_active (bob, ALICE, id_of (alice2)), "Bob to hear of the second device");
  node = encrypt_ok (bob, ALICE, "two");
  g_assert_true (has_key_for (node, id_of (alice2)));
  g_clear_pointer (&node, xmpp_node_unref);
  item = find_device (bob, ALICE, id_of (alice2));
  g_assert_cmpint (natter_omemo_device_get_trust (item), ==, NATTER_OMEMO_TRUST_TRUSTED);

  /* Bob verifies Alice's first device; blind trust ends for her. */
  g_assert_true (natter_omemo_set_trust (bob->omemo, ALICE, id_of (alice1),
                                         NATTER_OMEMO_TRUST_VERIFIED, &error));
  g_assert_no_error (error);
  item = find_device (bob, ALICE, id_of (alice1));
  g_assert_cmpint (natter_omemo_device_get_trust (item), ==, NATTER_OMEMO_TRUST_VERIFIED);

  alice3 = device_new (fixture, ALICE, "three");
  WAIT_FOR (knows_active (bob, ALICE, id_of (alice3)), "Bob to hear of the third device");
  node = encrypt (bob, ALICE, "three", &error);
  g_assert_null (node);
  g_assert_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_UNTRUSTED);
  id3 = g_strdup_printf ("device %u of " ALICE, id_of (alice3));
  g_assert_nonnull (strstr (error->message, id3));
  g_clear_error (&error);
  item = find_device (bob, ALICE, id_of (alice3));
  g_assert_cmpint (natter_omemo_device_get_trust (item), ==, NATTER_OMEMO_TRUST_UNDECIDED);
  g_assert_nonnull (natter_omemo_device_get_fingerprint (item));

  /* Distrusted: left out, and it cannot read the message. */
  g_assert_true (natter_omemo_set_trust (bob->omemo, ALICE, id_of (alice3),
                                         NATTER_OMEMO_TRUST_DISTRUSTED, &error));
  g_assert_no_error (error);
  node = encrypt_ok (bob, ALICE, "not for three");
  g_assert_true (has_key_for (node, id_of (alice1)));
  g_assert_true (has_key_for (node, id_of (alice2)));
  g_assert_false (has_key_for (node, id_of (alice3)));
  {
    g_autoptr(XmppJid) from = xmpp_jid_new (BOB, NULL);
    g_autoptr(NatterOmemoDecrypted) decrypted = NULL;

    decrypted = natter_omemo_decrypt (alice3->omemo, from, node, &error);
    g_assert_null (decrypted);
    g_assert_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_NOT_FOR_THIS_DEVICE);
    g_clear_error (&error);
  }
  assert_decrypts (alice2, BOB, node, "not for three");

  /* Distrusting every device of Alice: nothing is encrypted. */
  g_clear_pointer (&node, xmpp_node_unref);
  g_assert_true (natter_omemo_set_trust (bob->omemo, ALICE, id_of (alice1),
                                         NATTER_OMEMO_TRUST_DISTRUSTED, &error));
  g_assert_true (natter_omemo_set_trust (bob->omemo, ALICE, id_of (alice2),
                                         NATTER_OMEMO_TRUST_DISTRUSTED, &error));
  g_assert_no_error (error);
  node = encrypt (bob, ALICE, "nobody", &error);
  g_assert_null (node);
  g_assert_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_NO_DEVICES);
  g_assert_nonnull (strstr (error->message, id3));
}

/* Sends @message through @device's own input, as if the server had. */
static void
inject (Device   *device,
        XmppNode *message)
{
  xmpp_pep_handle_message (natter_account_get_pep (device->account), message);
}

static XmppNode *
devicelist_event (const char *from,
                  guint32     device_id)
{
  g_autoptr(XmppNode) list = natter_omemo_device_list_to_node (&device_id, 1);
  XmppNode *message = xmpp_node_build ("message", XMPP_NS_CLIENT, "to", ALICE "/one", NULL);
  XmppNode *event = xmpp_node_add_child (message, "event", XMPP_NS_PUBSUB_EVENT);
  XmppNode *items = xmpp_node_add_child_with_attributes (event, "items", NULL,
                                                         "node", DEVICELIST, NULL);
  XmppNode *item = xmpp_node_add_child_with_attributes (items, "item", NULL,
                                                        "id", "current", NULL);

  if (from != NULL)
    xmpp_node_set_attribute (message, "from", from);
  xmpp_node_append_child (item, list);
  return message;
}

/* Another client of Alice's replaces her list without this device: it
 * adds itself back, keeping the other.  Device lists from a full JID or
 * from someone else never change Alice's; a stale device of her own can
 * be removed from the list. */
static void
test_own_list_repair_and_spoofing (Fixture       *fixture,
                                   gconstpointer  data)
{
  Device *alice1 = device_new (fixture, ALICE, "one");
  Device *bob = device_new (fixture, BOB, "desk");
  XmppClient *raw = natter_test_client_new (fixture->server, ALICE "/raw", "secret");
  g_autoptr(XmppPep) raw_pep = xmpp_pep_new (raw);
  g_autoptr(XmppNode) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  guint32 stale = 12345;
  Waiter waiter = { 0, };

  subscribe_both (alice1, bob);
  natter_test_client_go_online (raw);

  /* The other client publishes a list with only its own device. */
  list = natter_omemo_device_list_to_node (&stale, 1);
  xmpp_pep_publish_async (raw_pep, DEVICELIST, "current", list, "open", NULL,
                          waiter_cb, &waiter);
  WAIT_FOR (waiter.done, "the foreign publish");
  g_assert_true (xmpp_pep_publish_finish (raw_pep, waiter.result, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&waiter.result);
  waiter.done = FALSE;

  WAIT_FOR (knows_active (alice1, ALICE, stale), "the event at Alice's device");
  WAIT_FOR (server_list_has (bob, ALICE, id_of (alice1)), "Alice's device to add itself back");
  ids = fetch_list (bob, ALICE);
  g_assert_true (has_id (ids, stale));
  g_assert_true (has_id (ids, id_of (alice1)));
  g_clear_pointer (&ids, g_array_unref);
  WAIT_FOR (knows_active (bob, ALICE, stale) && knows_active (bob, ALICE, id_of (alice1)),
            "Bob to hear of the repaired list");

  /* From Alice's own full JID: a client, not her PEP service. */
  {
    g_autoptr(XmppNode) message = devicelist_event (ALICE "/evil", 666);

    inject (alice1, message);
  }
  /* From a stranger: it is only the stranger's list. */
  {
    g_autoptr(XmppNode) message = devicelist_event ("mallory@" HOST, 777);

    inject (alice1, message);
  }
  /* Through the server from Bob's client: the server stamps his full JID. */
  {
    g_autoptr(XmppNode) message = devicelist_event (NULL, 888);

    xmpp_node_set_attribute (message, "to", ALICE "/one");
    xmpp_client_send (natter_account_get_client (bob->account), message);
  }
  spin (1000);
  g_assert_null (find_device (alice1, ALICE, 666));
  g_assert_null (find_device (alice1, ALICE, 777));
  g_assert_null (find_device (alice1, ALICE, 888));
  g_assert_null (find_device (alice1, BOB, 888));
  g_assert_true (knows_active (alice1, ALICE, id_of (alice1)));
  g_assert_true (knows_active (alice1, ALICE, stale));
  g_assert_true (knows_active (alice1, "mallory@" HOST, 777));
  g_assert_true (server_list_has (bob, ALICE, id_of (alice1)));

  /* The stale device goes; this device stays. */
  natter_omemo_remove_own_device_async (alice1->omemo, stale, NULL, waiter_cb, &waiter);
  WAIT_FOR (waiter.done, "the removal");
  g_assert_true (natter_omemo_remove_own_device_finish (alice1->omemo, waiter.result, &error));
  g_assert_no_error (error);
  g_clear_object (&waiter.result);
  waiter.done = FALSE;
  ids = fetch_list (bob, ALICE);
  g_assert_false (has_id (ids, stale));
  g_assert_true (has_id (ids, id_of (alice1)));
  g_assert_false (knows_active (alice1, ALICE, stale));
  g_assert_nonnull (find_device (alice1, ALICE, stale));

  natter_omemo_remove_own_device_async (alice1->omemo, id_of (alice1), NULL, waiter_cb, &waiter);
  WAIT_FOR (waiter.done, "the refusal");
  g_assert_false (natter_omemo_remove_own_device_finish (alice1->omemo, waiter.result, &error));
  g_assert_nonnull (error);
  g_clear_object (&waiter.result);

  g_clear_object (&raw_pep);
  natter_test_client_finish (raw);
}

static void
identity_changed_cb (NatterOmemo *omemo,
                     const char  *jid,
                     guint        device_id,
                     GPtrArray   *seen)
{
  g_ptr_array_add (seen, g_strdup_printf ("%s %u", jid, device_id));
}

/* Bob verified device 4242 of Alice's from her code; then the server
 * (here: a client of Alice's) announces 4242 with a bundle carrying
 * another identity key.  The bundle is refused and reported, encrypting
 * leaves 4242 out, and Alice's own device, undecided now that Bob
 * verified one of hers, needs his decision first. */
static void
test_identity_change_refused (Fixture       *fixture,
                              gconstpointer  data)
{
  Device *alice1 = device_new (fixture, ALICE, "one");
  Device *bob = device_new (fixture, BOB, "desk");
  XmppClient *raw = natter_test_client_new (fixture->server, ALICE "/raw", "secret");
  g_autoptr(XmppPep) raw_pep = xmpp_pep_new (raw);
  g_autoptr(GPtrArray) changed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(XmppNode) list = NULL;
  g_autoptr(XmppNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *node1 = NULL;
  g_autofree char *id1 = NULL;
  guint32 ids[2] = { 0, 4242 };
  Waiter waiter = { 0, };

  subscribe_both (alice1, bob);
  natter_test_client_go_online (raw);
  g_signal_connect (bob->omemo, "identity-changed", G_CALLBACK (identity_changed_cb), changed);

  g_assert_true (natter_omemo_apply_uri (bob->omemo,
                                         "xmpp:" ALICE "?omemo-sid-4242="
                                         "0123456789abcdef0123456789abcdef"
                                         "0123456789abcdef0123456789abcdef",
                                         FALSE, NULL, &error));
  g_assert_no_error (error);

  /* Alice's real bundle, published again as 4242's. */
  node1 = g_strdup_printf (NATTER_OMEMO_NS_BUNDLES ":%u", id_of (alice1));
  xmpp_pep_fetch_async (raw_pep, NULL, node1, NULL, NULL, waiter_cb, &waiter);
  WAIT_FOR (waiter.done, "Alice's bundle");
  items = xmpp_pep_fetch_finish (raw_pep, waiter.result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 1);
  g_clear_object (&waiter.result);
  waiter.done = FALSE;
  xmpp_pep_publish_async (raw_pep, NATTER_OMEMO_NS_BUNDLES ":4242", "current",
                          ((XmppPepItem *) items->pdata[0])->payload, "open", NULL,
                          waiter_cb, &waiter);
  WAIT_FOR (waiter.done, "the forged bundle");
  g_assert_true (xmpp_pep_publish_finish (raw_pep, waiter.result, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&waiter.result);
  waiter.done = FALSE;

  ids[0] = id_of (alice1);
  list = natter_omemo_device_list_to_node (ids, 2);
  xmpp_pep_publish_async (raw_pep, DEVICELIST, "current", list, "open", NULL,
                          waiter_cb, &waiter);
  WAIT_FOR (waiter.done, "the list with 4242");
  g_assert_true (xmpp_pep_publish_finish (raw_pep, waiter.result, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&waiter.result);
  WAIT_FOR (knows_active (bob, ALICE, 4242) && knows_active (bob, ALICE, id_of (alice1)),
            "Bob to hear of 4242");

  /* Alice's device is new to Bob after a verification: undecided. */
  node = encrypt (bob, ALICE, "who reads this?", &error);
  g_assert_null (node);
  g_assert_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_UNTRUSTED);
  id1 = g_strdup_printf ("device %u of " ALICE, id_of (alice1));
  g_assert_nonnull (strstr (error->message, id1));
  g_assert_null (strstr (error->message, "4242"));
  g_clear_error (&error);
  g_assert_cmpuint (changed->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (changed, 0), ==, ALICE " 4242");
  g_assert_cmpint (natter_omemo_device_get_trust (find_device (bob, ALICE, 4242)), ==,
                   NATTER_OMEMO_TRUST_VERIFIED);
  g_assert_cmpstr (natter_omemo_device_get_fingerprint (find_device (bob, ALICE, 4242)), ==,
                   "01234567 89abcdef 01234567 89abcdef 01234567 89abcdef 01234567 89abcdef");
  /* The devices page shows why: a warning on that device only. */
  g_assert_nonnull (strstr (natter_omemo_device_get_problem (find_device (bob, ALICE, 4242)),
                            "another identity key"));
  g_assert_null (natter_omemo_device_get_problem (find_device (bob, ALICE, id_of (alice1))));

  g_assert_true (natter_omemo_set_trust (bob->omemo, ALICE, id_of (alice1),
                                         NATTER_OMEMO_TRUST_TRUSTED, &error));
  g_assert_no_error (error);
  node = encrypt_ok (bob, ALICE, "only Alice's real device");
  g_assert_true (has_key_for (node, id_of (alice1)));
  g_assert_false (has_key_for (node, 4242));
  assert_decrypts (alice1, BOB, node, "only Alice's real device");
  /* Not fetched again at once (no fetch storm), and still refused. */
  g_assert_cmpuint (changed->len, ==, 1);

  g_clear_object (&raw_pep);
  natter_test_client_finish (raw);
}

/* Natter quits and starts again: the device keeps its identity, and its
 * new session publishes nothing twice. */
static void
test_restart_keeps_identity (Fixture       *fixture,
                             gconstpointer  data)
{
  Device *alice1 = device_new (fixture, ALICE, "one");
  Device *bob = device_new (fixture, BOB, "desk");
  g_autofree char *fingerprint = natter_omemo_dup_own_fingerprint (alice1->omemo);
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;
  guint32 id = id_of (alice1);

  g_signal_handlers_disconnect_by_data (alice1->omemo, alice1);
  natter_account_list_disconnect_all (alice1->accounts);
  spin (50);
  g_assert_finalize_object (alice1->accounts);
  natter_store_close (alice1->store);
  g_assert_finalize_object (alice1->store);

  alice1->store = natter_store_open (alice1->path, &error);
  g_assert_no_error (error);
  alice1->accounts = natter_account_list_new (alice1->store, &error);
  g_assert_no_error (error);
  natter_account_list_set_tls_database (alice1->accounts, fixture->database);
  alice1->account = natter_account_list_lookup (alice1->accounts, ALICE);
  alice1->omemo = natter_account_get_omemo (alice1->account);
  g_signal_connect (alice1->omemo, "device-added", G_CALLBACK (device_added_cb), alice1);
  g_signal_connect (alice1->omemo, "devices-changed", G_CALLBACK (devices_changed_cb), alice1);

  /* The identity is there before the account is online. */
  g_assert_cmpuint (id_of (alice1), ==, id);
  g_assert_false (natter_omemo_get_ready (alice1->omemo));
  natter_account_set_enabled (alice1->account, TRUE);
  natter_account_list_connect_all (alice1->accounts);
  WAIT_FOR (natter_omemo_get_ready (alice1->omemo), "ready again");
  g_assert_cmpuint (id_of (alice1), ==, id);
  {
    g_autofree char *again = natter_omemo_dup_own_fingerprint (alice1->omemo);

    g_assert_cmpstr (again, ==, fingerprint);
  }
  ids = fetch_list (bob, ALICE);
  g_assert_cmpuint (ids->len, ==, 1);
  g_assert_cmpuint (g_array_index (ids, guint32, 0), ==, id);
}

/* Alice verifies her second device and shows her code; Bob scans it:
 * first what would change, then both her devices are verified.  A code
 * with a wrong key changes nothing. */
static void
test_uri_round_trip (Fixture       *fixture,
                     gconstpointer  data)
{
  Device *alice1 = device_new (fixture, ALICE, "one");
  Device *bob = device_new (fixture, BOB, "desk");
  Device *alice2;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *sid1 = NULL;
  g_autofree char *sid2 = NULL;
  g_autofree char *bad = NULL;
  char *digit;

  subscribe_both (alice1, bob);
  alice2 = device_new (fixture, ALICE, "two");
  WAIT_FOR (knows_active (alice1, ALICE, id_of (alice2)), "Alice's devices to know each other");
  WAIT_FOR (knows_active (bob, ALICE, id_of (alice2)), "Bob to hear of Alice's second device");
  fetch_bundles (alice1, ALICE);
  g_assert_true (natter_omemo_set_trust (alice1->omemo, ALICE, id_of (alice2),
                                         NATTER_OMEMO_TRUST_VERIFIED, &error));
  g_assert_no_error (error);

  uri = natter_omemo_build_uri (alice1->omemo);
  g_assert_true (g_str_has_prefix (uri, "xmpp:" ALICE "?omemo-sid-"));
  sid1 = g_strdup_printf ("omemo-sid-%u=", id_of (alice1));
  sid2 = g_strdup_printf ("omemo-sid-%u=", id_of (alice2));
  g_assert_nonnull (strstr (uri, sid1));
  g_assert_nonnull (strstr (uri, sid2));

  /* Bob has fetched one bundle, not the other. */
  {
    g_autoptr(XmppNode) node = encrypt_ok (bob, ALICE, "hi");
  }
  g_assert_true (natter_omemo_apply_uri (bob->omemo, uri, TRUE, &changes, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changes->len, ==, 2);
  for (guint i = 0; i < changes->len; i++)
    {
      NatterOmemoUriChange *change = g_ptr_array_index (changes, i);

      g_assert_cmpstr (change->jid, ==, ALICE);
      g_assert_true (change->known);
      g_assert_cmpint (change->old_trust, ==, NATTER_OMEMO_TRUST_TRUSTED);
      g_assert_cmpstr (change->fingerprint, ==,
                       natter_omemo_device_get_fingerprint (find_device (bob, ALICE,
                                                                         change->device_id)));
    }
  g_clear_pointer (&changes, g_ptr_array_unref);
  g_assert_cmpint (natter_omemo_device_get_trust (find_device (bob, ALICE, id_of (alice1))), ==,
                   NATTER_OMEMO_TRUST_TRUSTED);

  /* A wrong key anywhere: nothing is verified. */
  bad = g_strdup (uri);
  digit = strstr (bad, sid2) + strlen (sid2);
  *digit = *digit == '0' ? '1' : '0';
  g_assert_false (natter_omemo_apply_uri (bob->omemo, bad, FALSE, NULL, &error));
  g_assert_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_UNTRUSTED);
  g_clear_error (&error);
  g_assert_cmpint (natter_omemo_device_get_trust (find_device (bob, ALICE, id_of (alice1))), ==,
                   NATTER_OMEMO_TRUST_TRUSTED);

  g_assert_true (natter_omemo_apply_uri (bob->omemo, uri, FALSE, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (natter_omemo_device_get_trust (find_device (bob, ALICE, id_of (alice1))), ==,
                   NATTER_OMEMO_TRUST_VERIFIED);
  g_assert_cmpint (natter_omemo_device_get_trust (find_device (bob, ALICE, id_of (alice2))), ==,
                   NATTER_OMEMO_TRUST_VERIFIED);

  /* Applying a code of Alice's on her own device: the other device is
   * verified, this one is itself. */
  g_clear_pointer (&uri, g_free);
  uri = natter_omemo_build_uri (alice2->omemo);
  fetch_bundles (alice2, ALICE);
  g_assert_true (natter_omemo_apply_uri (alice2->omemo, uri, FALSE, &changes, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changes->len, ==, 0);
}

/* Messages in a conversation set to OMEMO: through the real pipeline */

static NatterMessage *
newest (NatterConversation *conversation)
{
  NatterMessageList *messages = natter_conversation_get_messages (conversation, NULL);
  guint n = messages != NULL ? g_list_model_get_n_items (G_LIST_MODEL (messages)) : 0;
  g_autoptr(NatterMessage) message = n > 0 ? g_list_model_get_item (G_LIST_MODEL (messages), n - 1)
                                           : NULL;

  return message;
}

static gboolean
newest_is (NatterConversation *conversation,
           const char         *body)
{
  NatterMessage *message = conversation != NULL ? newest (conversation) : NULL;

  return message != NULL && g_strcmp0 (natter_message_get_body (message), body) == 0;
}

static NatterMessage *
send_body (NatterConversation *conversation,
           const char         *body)
{
  g_autoptr(GError) error = NULL;
  Waiter waiter = { 0, };
  NatterMessage *message;

  natter_conversation_send_async (conversation, body, NULL, waiter_cb, &waiter);
  WAIT_FOR (waiter.done, "the message to be stored");
  message = natter_conversation_send_finish (conversation, waiter.result, &error);
  g_assert_no_error (error);
  g_object_unref (waiter.result);
  return message;
}

static void
test_encrypted_conversation (Fixture       *fixture,
                             gconstpointer  data)
{
  Device *alice = device_new (fixture, ALICE, "laptop");
  Device *bob = device_new (fixture, BOB, "phone");
  g_autoptr(GError) error = NULL;
  g_autoptr(NatterConversationList) alice_list = NULL;
  g_autoptr(NatterConversationList) bob_list = NULL;
  g_autoptr(NatterMessaging) alice_messaging = NULL;
  g_autoptr(NatterMessaging) bob_messaging = NULL;
  g_autoptr(NatterMessage) sent = NULL;
  g_autoptr(NatterMessage) refused = NULL;
  NatterConversation *to_bob;
  NatterConversation *at_bob = NULL;
  NatterConversation *to_alice;
  Device *bob2;
  NatterConversation *notes;
  gint64 activity;
  guint unread;

  subscribe_both (alice, bob);
  alice_list = natter_conversation_list_new (alice->accounts, &error);
  g_assert_no_error (error);
  bob_list = natter_conversation_list_new (bob->accounts, &error);
  g_assert_no_error (error);
  alice_messaging = natter_messaging_new (alice->account, alice_list);
  bob_messaging = natter_messaging_new (bob->account, bob_list);

  /* Alice chooses OMEMO: Bob reads the text, both stores say how it came,
   * and the choice is kept. */
  to_bob = natter_conversation_list_open (alice_list, alice->account, BOB, &error);
  g_assert_no_error (error);
  natter_conversation_set_encryption (to_bob, NATTER_MESSAGE_ENCRYPTION_OMEMO);
  sent = send_body (to_bob, "only for bob");
  g_assert_cmpint (natter_message_get_encryption (sent), ==, NATTER_MESSAGE_ENCRYPTION_OMEMO);
  WAIT_FOR ((at_bob = natter_conversation_list_lookup (bob_list, bob->account, ALICE)) != NULL &&
            newest_is (at_bob, "only for bob"), "Bob to read Alice's message");
  g_assert_cmpint (natter_message_get_encryption (newest (at_bob)), ==,
                   NATTER_MESSAGE_ENCRYPTION_OMEMO);
  g_assert_cmpint (natter_message_get_state (newest (at_bob)), ==, NATTER_MESSAGE_STATE_RECEIVED);
  WAIT_FOR (natter_message_get_state (sent) >= NATTER_MESSAGE_STATE_SENT, "the server's ack");
  g_assert_cmpint (natter_message_get_state (sent), !=, NATTER_MESSAGE_STATE_FAILED);
  {
    g_autoptr(NatterStoreConversation) stored =
      natter_store_get_conversation (alice->store, natter_conversation_get_id (to_bob), NULL);

    g_assert_cmpint (stored->encryption, ==, NATTER_STORE_ENCRYPTION_OMEMO);
  }

  /* Bob answers the same way. */
  to_alice = at_bob;
  natter_conversation_set_encryption (to_alice, NATTER_MESSAGE_ENCRYPTION_OMEMO);
  g_clear_object (&sent);
  sent = send_body (to_alice, "and only for alice");
  WAIT_FOR (newest_is (to_bob, "and only for alice"), "Alice to read Bob's answer");
  g_assert_cmpint (natter_message_get_encryption (newest (to_bob)), ==,
                   NATTER_MESSAGE_ENCRYPTION_OMEMO);

  /* With Bob's only device distrusted, nothing can be encrypted for him:
   * the message fails, says why, and nothing reaches Bob. */
  g_assert_true (natter_omemo_set_trust (alice->omemo, BOB, id_of (bob),
                                         NATTER_OMEMO_TRUST_DISTRUSTED, &error));
  g_assert_no_error (error);
  refused = send_body (to_bob, "never in plaintext");
  WAIT_FOR (natter_message_get_state (refused) == NATTER_MESSAGE_STATE_FAILED,
            "the message to fail");
  g_assert_nonnull (natter_message_get_error (refused));
  spin (1000);
  g_assert_false (newest_is (at_bob, "never in plaintext"));
  g_assert_true (newest_is (at_bob, "and only for alice"));

  /* Bob still trusts Alice, so his answer reaches her: kept, but hidden,
   * in the list and in the preview notifications show. */
  g_clear_object (&sent);
  sent = send_body (to_alice, "from a distrusted device");
  WAIT_FOR (newest_is (to_bob, "from a distrusted device"), "Alice to keep Bob's message");
  g_assert_true (natter_message_get_sender_distrusted (newest (to_bob)));
  g_assert_cmpint (natter_message_get_state (newest (to_bob)), ==, NATTER_MESSAGE_STATE_RECEIVED);
  g_assert_cmpint (natter_message_get_kind (newest (to_bob)), ==, NATTER_MESSAGE_KIND_TEXT);
  g_assert_cmpstr (natter_conversation_get_preview (to_bob), ==,
                   "Hidden message from a distrusted device");
  g_assert_false (natter_message_get_sender_distrusted (newest (at_bob)));

  /* Search finds what was said in the conversation, but not the hidden
   * message. */
  {
    Waiter waiter = { 0, };
    g_autoptr(GListModel) hits = NULL;
    g_autoptr(NatterSearchHit) hit = NULL;

    natter_conversation_list_search_async (alice_list, "only", 10, NULL, waiter_cb, &waiter);
    WAIT_FOR (waiter.done, "the search");
    hits = natter_conversation_list_search_finish (alice_list, waiter.result, &error);
    g_assert_no_error (error);
    g_clear_object (&waiter.result);
    g_assert_cmpuint (g_list_model_get_n_items (hits), ==, 2);
    hit = g_list_model_get_item (hits, 0);
    g_assert_true (natter_search_hit_get_conversation (hit) == to_bob);
    g_clear_object (&hits);
    waiter.done = FALSE;
    natter_conversation_list_search_async (alice_list, "distrusted", 10, NULL, waiter_cb, &waiter);
    WAIT_FOR (waiter.done, "the search");
    hits = natter_conversation_list_search_finish (alice_list, waiter.result, &error);
    g_assert_no_error (error);
    g_clear_object (&waiter.result);
    g_assert_cmpuint (g_list_model_get_n_items (hits), ==, 0);
  }

  /* Bob adds a device: a notice in Alice's conversation with him, which
   * neither moves the conversation up nor counts as unread. */
  activity = natter_conversation_get_last_activity (to_bob);
  unread = natter_conversation_get_unread (to_bob);
  /* (Bob keeps notes in a conversation with himself.) */
  notes = natter_conversation_list_open (bob_list, bob->account, BOB, &error);
  g_assert_no_error (error);
  bob2 = device_new (fixture, BOB, "tablet");
  WAIT_FOR (natter_message_get_kind (newest (to_bob)) == NATTER_MESSAGE_KIND_DEVICE_ADDED,
            "the notice of Bob's new device");
  g_assert_cmpuint (natter_message_get_sender_device (newest (to_bob)), ==, id_of (bob2));
  g_assert_cmpstr (natter_message_get_sender (newest (to_bob)), ==, BOB);
  g_assert_null (natter_message_get_body (newest (to_bob)));
  g_assert_cmpint (natter_conversation_get_last_activity (to_bob), ==, activity);
  g_assert_cmpuint (natter_conversation_get_unread (to_bob), ==, unread);
  g_assert_cmpstr (natter_conversation_get_preview (to_bob), ==,
                   "Hidden message from a distrusted device");
  {
    g_autoptr(NatterStoreMessage) latest =
      natter_store_get_latest_message (alice->store, natter_conversation_get_id (to_bob), NULL);
    g_autoptr(NatterStoreConversation) stored =
      natter_store_get_conversation (alice->store, natter_conversation_get_id (to_bob), NULL);

    g_assert_cmpstr (latest->body, ==, "from a distrusted device");
    g_assert_cmpint (stored->last_activity, ==, activity);
  }
  /* Bob's first device hears of his second one too, but his own devices
   * are no news in any conversation, not even the one with himself. */
  WAIT_FOR (knows_active (bob, BOB, id_of (bob2)), "Bob's first device to see his second");
  spin (300);
  g_assert_null (newest (notes));
  g_assert_cmpint (natter_message_get_kind (newest (at_bob)), ==, NATTER_MESSAGE_KIND_TEXT);

  g_clear_object (&alice_messaging);
  g_clear_object (&bob_messaging);
}

static GBytes *
load_session (Device     *device,
              const char *jid,
              guint32     device_id)
{
  return natter_store_omemo_load_session (device->store, natter_account_get_id (device->account),
                                          NATTER_STORE_OMEMO_VERSION_LEGACY, jid, device_id,
                                          NULL);
}

static gboolean
session_replaced (Device     *device,
                  const char *jid,
                  guint32     device_id,
                  GBytes     *before)
{
  g_autoptr(GBytes) now = load_session (device, jid, device_id);

  return now != NULL && !g_bytes_equal (now, before);
}

/* Alice loses her session with Bob's device (a restored backup, say):
 * his next message cannot be read, so she builds a new session from his
 * bundle and answers with a key transport element; his pipeline takes
 * it, and his messages after that are read again.  Once in a while, not
 * once per message. */
static void
test_repair_lost_session (Fixture       *fixture,
                          gconstpointer  data)
{
  Device *alice = device_new (fixture, ALICE, "one");
  Device *bob = device_new (fixture, BOB, "desk");
  g_autoptr(GError) error = NULL;
  g_autoptr(NatterConversationList) bob_list = NULL;
  g_autoptr(NatterMessaging) bob_messaging = NULL;
  g_autoptr(XmppNode) first = NULL;
  g_autoptr(XmppNode) second = NULL;
  g_autoptr(XmppNode) third = NULL;
  g_autoptr(XmppNode) fourth = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) repaired = NULL;
  g_autoptr(XmppJid) from_bob = xmpp_jid_new (BOB "/desk", NULL);
  g_autoptr(NatterOmemoDecrypted) decrypted = NULL;
  gboolean removed = FALSE;

  subscribe_both (alice, bob);
  bob_list = natter_conversation_list_new (bob->accounts, &error);
  g_assert_no_error (error);
  bob_messaging = natter_messaging_new (bob->account, bob_list);

  first = encrypt_ok (bob, ALICE, "first");
  assert_decrypts (alice, BOB "/desk", first, "first");
  g_assert_true (natter_store_omemo_remove_session (alice->store,
                                                    natter_account_get_id (alice->account),
                                                    NATTER_STORE_OMEMO_VERSION_LEGACY, BOB,
                                                    id_of (bob), &removed, &error));
  g_assert_no_error (error);
  g_assert_true (removed);

  second = encrypt_ok (bob, ALICE, "second");
  before = load_session (bob, ALICE, id_of (alice));
  g_assert_nonnull (before);
  decrypted = natter_omemo_decrypt (alice->omemo, from_bob, second, &error);
  g_assert_null (decrypted);
  g_assert_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_NO_SESSION);
  g_clear_error (&error);

  WAIT_FOR (session_replaced (bob, ALICE, id_of (alice), before),
            "Bob to take Alice's key transport element");
  /* Nothing to show for it: no conversation appeared at Bob. */
  g_assert_null (natter_conversation_list_lookup (bob_list, bob->account, ALICE));
  third = encrypt_ok (bob, ALICE, "third");
  assert_decrypts (alice, BOB "/desk", third, "third");

  /* Lost again at once: no second repair this soon. */
  g_assert_true (natter_store_omemo_remove_session (alice->store,
                                                    natter_account_get_id (alice->account),
                                                    NATTER_STORE_OMEMO_VERSION_LEGACY, BOB,
                                                    id_of (bob), &removed, &error));
  fourth = encrypt_ok (bob, ALICE, "fourth");
  repaired = load_session (bob, ALICE, id_of (alice));
  decrypted = natter_omemo_decrypt (alice->omemo, from_bob, fourth, &error);
  g_assert_null (decrypted);
  g_assert_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_NO_SESSION);
  spin (1000);
  g_assert_false (session_replaced (bob, ALICE, id_of (alice), repaired));

  g_clear_object (&bob_messaging);
}

int
main (int   argc,
      char *argv[])
{
  test_core_init (&argc, &argv);

  g_test_add ("/natter/core/omemo/encrypted-conversation", Fixture, NULL,
              fixture_set_up, test_encrypted_conversation, fixture_tear_down);

  g_test_add ("/natter/core/omemo/publish-notify-encrypt-decrypt", Fixture, NULL,
              fixture_set_up, test_publish_notify_encrypt_decrypt, fixture_tear_down);
  g_test_add ("/natter/core/omemo/trust", Fixture, NULL,
              fixture_set_up, test_trust, fixture_tear_down);
  g_test_add ("/natter/core/omemo/own-list-repair-and-spoofing", Fixture, NULL,
              fixture_set_up, test_own_list_repair_and_spoofing, fixture_tear_down);
  g_test_add ("/natter/core/omemo/identity-change-refused", Fixture, NULL,
              fixture_set_up, test_identity_change_refused, fixture_tear_down);
  g_test_add ("/natter/core/omemo/restart-keeps-identity", Fixture, NULL,
              fixture_set_up, test_restart_keeps_identity, fixture_tear_down);
  g_test_add ("/natter/core/omemo/uri-round-trip", Fixture, NULL,
              fixture_set_up, test_uri_round_trip, fixture_tear_down);
  g_test_add ("/natter/core/omemo/repair-lost-session", Fixture, NULL,
              fixture_set_up, test_repair_lost_session, fixture_tear_down);

  return g_test_run ();
}
