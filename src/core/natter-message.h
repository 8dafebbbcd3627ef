/* natter-message.h: one stored message, as an object views bind to
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * NatterMessageDirection:
 * @NATTER_MESSAGE_DIRECTION_IN: from the peer
 * @NATTER_MESSAGE_DIRECTION_OUT: from the account (this or another device)
 *
 * Who wrote a message.
 */
typedef enum {
  NATTER_MESSAGE_DIRECTION_IN,
  NATTER_MESSAGE_DIRECTION_OUT,
} NatterMessageDirection;

/**
 * NatterMessageState:
 * @NATTER_MESSAGE_STATE_PENDING: stored, not yet acked by the server
 * @NATTER_MESSAGE_STATE_SENT: the server acked it (XEP-0198)
 * @NATTER_MESSAGE_STATE_DELIVERED: the peer sent a receipt (XEP-0184)
 * @NATTER_MESSAGE_STATE_READ: the peer displayed it (XEP-0333)
 * @NATTER_MESSAGE_STATE_FAILED: it could not be sent
 * @NATTER_MESSAGE_STATE_RECEIVED: an incoming message
 * @NATTER_MESSAGE_STATE_UNDECRYPTABLE: an incoming message we cannot read
 *
 * Where a message is; the values match the store's.
 */
typedef enum {
  NATTER_MESSAGE_STATE_PENDING,
  NATTER_MESSAGE_STATE_SENT,
  NATTER_MESSAGE_STATE_DELIVERED,
  NATTER_MESSAGE_STATE_READ,
  NATTER_MESSAGE_STATE_FAILED,
  NATTER_MESSAGE_STATE_RECEIVED,
  NATTER_MESSAGE_STATE_UNDECRYPTABLE,
} NatterMessageState;

/**
 * NatterMessageEncryption:
 * @NATTER_MESSAGE_ENCRYPTION_NONE: plaintext
 * @NATTER_MESSAGE_ENCRYPTION_OMEMO: OMEMO
 *
 * How a message travelled.
 */
typedef enum {
  NATTER_MESSAGE_ENCRYPTION_NONE,
  NATTER_MESSAGE_ENCRYPTION_OMEMO,
} NatterMessageEncryption;

/**
 * NatterMessageKind:
 * @NATTER_MESSAGE_KIND_TEXT: a message someone wrote
 * @NATTER_MESSAGE_KIND_DEVICE_ADDED: a notice: the sender added the OMEMO
 *   device natter_message_get_sender_device(); it has no body
 *
 * What a row of the conversation is.
 */
typedef enum {
  NATTER_MESSAGE_KIND_TEXT,
  NATTER_MESSAGE_KIND_DEVICE_ADDED,
} NatterMessageKind;

#define NATTER_TYPE_MESSAGE (natter_message_get_type ())

G_DECLARE_FINAL_TYPE (NatterMessage, natter_message, NATTER, MESSAGE, GObject)

gint64                   natter_message_get_id         (NatterMessage *self);
NatterMessageDirection   natter_message_get_direction  (NatterMessage *self);
const char              *natter_message_get_sender     (NatterMessage *self);
const char              *natter_message_get_body       (NatterMessage *self);
gint64                   natter_message_get_timestamp  (NatterMessage *self);
NatterMessageState       natter_message_get_state      (NatterMessage *self);
gboolean                 natter_message_get_edited     (NatterMessage *self);
const char              *natter_message_get_error      (NatterMessage *self);
NatterMessageEncryption  natter_message_get_encryption (NatterMessage *self);
gboolean                 natter_message_get_sender_verified (NatterMessage *self);
gboolean                 natter_message_get_sender_distrusted (NatterMessage *self);
guint32                  natter_message_get_sender_device (NatterMessage *self);
NatterMessageKind        natter_message_get_kind       (NatterMessage *self);
const char              *natter_message_get_origin_id  (NatterMessage *self);

G_END_DECLS
