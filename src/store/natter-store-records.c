/* natter-store-records.c: the rows the database layer reads and writes
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "natter-store-records.h"

/*
 * Records are atomic reference-counted boxes (g_atomic_rc_box): a record
 * may be created on the main thread, filled in by the store's worker thread
 * and released on either.
 */

G_DEFINE_BOXED_TYPE (NatterStoreAccount, natter_store_account,
                     natter_store_account_ref, natter_store_account_unref)
G_DEFINE_BOXED_TYPE (NatterStoreContact, natter_store_contact,
                     natter_store_contact_ref, natter_store_contact_unref)
G_DEFINE_BOXED_TYPE (NatterStoreConversation, natter_store_conversation,
                     natter_store_conversation_ref, natter_store_conversation_unref)
G_DEFINE_BOXED_TYPE (NatterStoreMessage, natter_store_message,
                     natter_store_message_ref, natter_store_message_unref)
G_DEFINE_BOXED_TYPE (NatterStoreMamRange, natter_store_mam_range,
                     natter_store_mam_range_ref, natter_store_mam_range_unref)

/**
 * natter_store_account_new:
 *
 * Creates an empty, enabled account record.
 *
 * Returns: (transfer full): a new record
 */
NatterStoreAccount *
natter_store_account_new (void)
{
  NatterStoreAccount *self = g_atomic_rc_box_new0 (NatterStoreAccount);

  self->enabled = TRUE;
  return self;
}

/**
 * natter_store_account_ref:
 * @self: an account record
 *
 * Returns: (transfer full): @self
 */
NatterStoreAccount *
natter_store_account_ref (NatterStoreAccount *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

static void
account_clear (gpointer data)
{
  NatterStoreAccount *self = data;

  g_free (self->jid);
  g_free (self->resource);
  g_free (self->display_name);
  g_free (self->host);
  g_strfreev (self->pinned_certificates);
  g_free (self->sasl_mechanism);
  g_free (self->roster_version);
}

/**
 * natter_store_account_unref:
 * @self: (transfer full): an account record
 *
 * Drops a reference; the last one frees the record and its fields.
 */
void
natter_store_account_unref (NatterStoreAccount *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, account_clear);
}

/**
 * natter_store_contact_new:
 *
 * Creates an empty roster item record.
 *
 * Returns: (transfer full): a new record
 */
NatterStoreContact *
natter_store_contact_new (void)
{
  return g_atomic_rc_box_new0 (NatterStoreContact);
}

/**
 * natter_store_contact_ref:
 * @self: a roster item record
 *
 * Returns: (transfer full): @self
 */
NatterStoreContact *
natter_store_contact_ref (NatterStoreContact *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

static void
contact_clear (gpointer data)
{
  NatterStoreContact *self = data;

  g_free (self->jid);
  g_free (self->name);
  g_strfreev (self->groups);
}

/**
 * natter_store_contact_unref:
 * @self: (transfer full): a roster item record
 *
 * Drops a reference; the last one frees the record and its fields.
 */
void
natter_store_contact_unref (NatterStoreContact *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, contact_clear);
}

/**
 * natter_store_conversation_new:
 *
 * Creates an empty conversation record.
 *
 * Returns: (transfer full): a new record
 */
NatterStoreConversation *
natter_store_conversation_new (void)
{
  return g_atomic_rc_box_new0 (NatterStoreConversation);
}

/**
 * natter_store_conversation_ref:
 * @self: a conversation record
 *
 * Returns: (transfer full): @self
 */
NatterStoreConversation *
natter_store_conversation_ref (NatterStoreConversation *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

static void
conversation_clear (gpointer data)
{
  NatterStoreConversation *self = data;

  g_free (self->peer);
  g_free (self->draft);
}

/**
 * natter_store_conversation_unref:
 * @self: (transfer full): a conversation record
 *
 * Drops a reference; the last one frees the record and its fields.
 */
void
natter_store_conversation_unref (NatterStoreConversation *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, conversation_clear);
}

/**
 * natter_store_message_new:
 *
 * Creates an empty message record: incoming, received, unencrypted.
 *
 * Returns: (transfer full): a new record
 */
NatterStoreMessage *
natter_store_message_new (void)
{
  NatterStoreMessage *self = g_atomic_rc_box_new0 (NatterStoreMessage);

  self->direction = NATTER_STORE_DIRECTION_IN;
  self->state = NATTER_STORE_MESSAGE_STATE_RECEIVED;
  return self;
}

/**
 * natter_store_message_ref:
 * @self: a message record
 *
 * Returns: (transfer full): @self
 */
NatterStoreMessage *
natter_store_message_ref (NatterStoreMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

static void
message_clear (gpointer data)
{
  NatterStoreMessage *self = data;

  g_free (self->sender);
  g_free (self->body);
  g_free (self->original_body);
  g_free (self->stanza_id);
  g_free (self->archive);
  g_free (self->origin_id);
  g_free (self->message_id);
  g_free (self->error);
  g_free (self->replaces_ref);
}

/**
 * natter_store_message_unref:
 * @self: (transfer full): a message record
 *
 * Drops a reference; the last one frees the record and its fields.
 */
void
natter_store_message_unref (NatterStoreMessage *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, message_clear);
}

/**
 * natter_store_mam_range_new:
 *
 * Creates an empty archive range record.
 *
 * Returns: (transfer full): a new record
 */
NatterStoreMamRange *
natter_store_mam_range_new (void)
{
  return g_atomic_rc_box_new0 (NatterStoreMamRange);
}

/**
 * natter_store_mam_range_ref:
 * @self: an archive range record
 *
 * Returns: (transfer full): @self
 */
NatterStoreMamRange *
natter_store_mam_range_ref (NatterStoreMamRange *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

static void
mam_range_clear (gpointer data)
{
  NatterStoreMamRange *self = data;

  g_free (self->archive);
  g_free (self->from_id);
  g_free (self->to_id);
}

/**
 * natter_store_mam_range_unref:
 * @self: (transfer full): an archive range record
 *
 * Drops a reference; the last one frees the record and its fields.
 */
void
natter_store_mam_range_unref (NatterStoreMamRange *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, mam_range_clear);
}
