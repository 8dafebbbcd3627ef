/* natter-message.c: one stored message, as an object views bind to
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "natter-message.h"

#include "store/store.h"

#include "natter-conversation-private.h"
#include "natter-core-enums.h"
#include "natter-omemo-device.h"

/**
 * NatterMessage:
 *
 * The view of one row of the messages table.  The object is updated in
 * place, with property notifications, when its row changes (a state moves
 * forward, a correction replaces the body), so a list never replaces it.
 */
struct _NatterMessage
{
  GObject                  parent_instance;

  gint64                   id;
  NatterMessageDirection   direction;
  char                    *sender;
  char                    *body;
  char                    *origin_id;
  gint64                   timestamp;
  NatterMessageState       state;
  gboolean                 edited;
  char                    *error;
  NatterMessageEncryption  encryption;
  gboolean                 sender_verified;
  gboolean                 sender_distrusted;
  guint32                  sender_device;
  NatterMessageKind        kind;
};

G_DEFINE_FINAL_TYPE (NatterMessage, natter_message, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_DIRECTION,
  PROP_SENDER,
  PROP_BODY,
  PROP_TIMESTAMP,
  PROP_STATE,
  PROP_EDITED,
  PROP_ERROR,
  PROP_ENCRYPTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
natter_message_finalize (GObject *object)
{
  NatterMessage *self = NATTER_MESSAGE (object);

  g_free (self->sender);
  g_free (self->body);
  g_free (self->origin_id);
  g_free (self->error);

  G_OBJECT_CLASS (natter_message_parent_class)->finalize (object);
}

static void
natter_message_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  NatterMessage *self = NATTER_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_DIRECTION:
      g_value_set_enum (value, self->direction);
      break;
    case PROP_SENDER:
      g_value_set_string (value, self->sender);
      break;
    case PROP_BODY:
      g_value_set_string (value, self->body);
      break;
    case PROP_TIMESTAMP:
      g_value_set_int64 (value, self->timestamp);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_EDITED:
      g_value_set_boolean (value, self->edited);
      break;
    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;
    case PROP_ENCRYPTION:
      g_value_set_enum (value, self->encryption);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
natter_message_class_init (NatterMessageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = natter_message_finalize;
  object_class->get_property = natter_message_get_property;

  /**
   * NatterMessage:id:
   *
   * The row id in the store.
   */
  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  /**
   * NatterMessage:direction:
   *
   * Who wrote it.
   */
  properties[PROP_DIRECTION] =
    g_param_spec_enum ("direction", NULL, NULL, NATTER_TYPE_MESSAGE_DIRECTION,
                       NATTER_MESSAGE_DIRECTION_IN, flags);
  /**
   * NatterMessage:sender:
   *
   * The sender's JID as the message carried it.
   */
  properties[PROP_SENDER] =
    g_param_spec_string ("sender", NULL, NULL, NULL, flags);
  /**
   * NatterMessage:body:
   *
   * The text, after the latest correction; plain text, never markup.
   */
  properties[PROP_BODY] =
    g_param_spec_string ("body", NULL, NULL, NULL, flags);
  /**
   * NatterMessage:timestamp:
   *
   * When it was written, in µs since the epoch (UTC).
   */
  properties[PROP_TIMESTAMP] =
    g_param_spec_int64 ("timestamp", NULL, NULL, 0, G_MAXINT64, 0, flags);
  /**
   * NatterMessage:state:
   *
   * Where the message is (pending, sent, delivered, read, …).
   */
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, NATTER_TYPE_MESSAGE_STATE,
                       NATTER_MESSAGE_STATE_PENDING, flags);
  /**
   * NatterMessage:edited:
   *
   * Whether a correction (XEP-0308) replaced the body.
   */
  properties[PROP_EDITED] =
    g_param_spec_boolean ("edited", NULL, NULL, FALSE, flags);
  /**
   * NatterMessage:error:
   *
   * Why it failed, or %NULL.
   */
  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL, NULL, flags);
  /**
   * NatterMessage:encryption:
   *
   * How it travelled.
   */
  properties[PROP_ENCRYPTION] =
    g_param_spec_enum ("encryption", NULL, NULL, NATTER_TYPE_MESSAGE_ENCRYPTION,
                       NATTER_MESSAGE_ENCRYPTION_NONE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
natter_message_init (NatterMessage *self)
{
}

static gboolean
set_string (char       **field,
            const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

/* A message from a device the user distrusted when it arrived: kept, but
 * its text is shown nowhere (list, preview, notification, search) until
 * the user asks for it in the conversation. */
gboolean
natter_message_record_is_hidden (NatterStoreMessage *record)
{
  return record->encryption == NATTER_STORE_ENCRYPTION_OMEMO &&
         record->sender_trust == NATTER_OMEMO_TRUST_DISTRUSTED;
}

NatterMessage *
natter_message_new_from_record (NatterStoreMessage *record)
{
  NatterMessage *self;

  g_return_val_if_fail (record != NULL, NULL);

  self = g_object_new (NATTER_TYPE_MESSAGE, NULL);
  self->id = record->id;
  self->direction = (NatterMessageDirection) record->direction;
  self->sender = g_strdup (record->sender);
  self->body = g_strdup (record->body);
  self->origin_id = g_strdup (record->origin_id);
  self->timestamp = record->timestamp;
  self->state = (NatterMessageState) record->state;
  self->edited = record->original_body != NULL;
  self->error = g_strdup (record->error);
  self->encryption = (NatterMessageEncryption) record->encryption;
  /* The store keeps the sending device's trust as NatterOmemoTrust. */
  self->sender_verified = record->encryption == NATTER_STORE_ENCRYPTION_OMEMO &&
                          record->sender_trust == NATTER_OMEMO_TRUST_VERIFIED;
  self->sender_distrusted = natter_message_record_is_hidden (record);
  self->sender_device = record->sender_device;
  self->kind = (record->flags & NATTER_STORE_MESSAGE_FLAG_DEVICE_NOTICE) != 0
               ? NATTER_MESSAGE_KIND_DEVICE_ADDED : NATTER_MESSAGE_KIND_TEXT;
  return self;
}

void
natter_message_update (NatterMessage      *self,
                       NatterStoreMessage *record)
{
  g_return_if_fail (NATTER_IS_MESSAGE (self));
  g_return_if_fail (record != NULL);

  g_object_freeze_notify (G_OBJECT (self));
  if (set_string (&self->body, record->body))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BODY]);
  if (self->edited != (record->original_body != NULL))
    {
      self->edited = record->original_body != NULL;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EDITED]);
    }
  if (set_string (&self->error, record->error))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
  natter_message_set_state (self, (NatterMessageState) record->state);
  g_object_thaw_notify (G_OBJECT (self));
}

void
natter_message_set_state (NatterMessage      *self,
                          NatterMessageState  state)
{
  g_return_if_fail (NATTER_IS_MESSAGE (self));

  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/**
 * natter_message_get_id:
 * @self: a message
 *
 * Returns: the row id in the store
 */
gint64
natter_message_get_id (NatterMessage *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGE (self), 0);
  return self->id;
}

/**
 * natter_message_get_direction:
 * @self: a message
 *
 * Returns: who wrote it
 */
NatterMessageDirection
natter_message_get_direction (NatterMessage *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGE (self), NATTER_MESSAGE_DIRECTION_IN);
  return self->direction;
}

/**
 * natter_message_get_sender:
 * @self: a message
 *
 * Returns: (nullable): the sender's JID
 */
const char *
natter_message_get_sender (NatterMessage *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGE (self), NULL);
  return self->sender;
}

/**
 * natter_message_get_body:
 * @self: a message
 *
 * Returns: (nullable): the text, after the latest correction
 */
const char *
natter_message_get_body (NatterMessage *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGE (self), NULL);
  return self->body;
}

/**
 * natter_message_get_timestamp:
 * @self: a message
 *
 * Returns: when it was written, in µs since the epoch
 */
gint64
natter_message_get_timestamp (NatterMessage *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGE (self), 0);
  return self->timestamp;
}

/**
 * natter_message_get_state:
 * @self: a message
 *
 * Returns: where the message is
 */
NatterMessageState
natter_message_get_state (NatterMessage *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGE (self), NATTER_MESSAGE_STATE_PENDING);
  return self->state;
}

/**
 * natter_message_get_edited:
 * @self: a message
 *
 * Returns: whether a correction replaced the body
 */
gboolean
natter_message_get_edited (NatterMessage *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGE (self), FALSE);
  return self->edited;
}

/**
 * natter_message_get_error:
 * @self: a message
 *
 * Returns: (nullable): why it failed
 */
const char *
natter_message_get_error (NatterMessage *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGE (self), NULL);
  return self->error;
}

/**
 * natter_message_get_sender_verified:
 * @self: a message
 *
 * Returns: whether it came encrypted from a device whose fingerprint the
 *   user verified
 */
gboolean
natter_message_get_sender_verified (NatterMessage *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGE (self), FALSE);
  return self->sender_verified;
}

/**
 * natter_message_get_encryption:
 * @self: a message
 *
 * Returns: how it travelled
 */
NatterMessageEncryption
natter_message_get_encryption (NatterMessage *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGE (self), NATTER_MESSAGE_ENCRYPTION_NONE);
  return self->encryption;
}

/**
 * natter_message_get_origin_id:
 * @self: a message
 *
 * Returns: (nullable): its XEP-0359 origin-id
 */
const char *
natter_message_get_origin_id (NatterMessage *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGE (self), NULL);
  return self->origin_id;
}

/**
 * natter_message_get_sender_distrusted:
 * @self: a message
 *
 * Whether the OMEMO device that sent it was distrusted when it arrived.
 * Such a message is kept, but views show a notice instead of its text
 * until the user asks to see it.
 *
 * Returns: %TRUE for a message from a distrusted device
 */
gboolean
natter_message_get_sender_distrusted (NatterMessage *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGE (self), FALSE);
  return self->sender_distrusted;
}

/**
 * natter_message_get_sender_device:
 * @self: a message
 *
 * Returns: the OMEMO device that sent it, or the device a
 *   %NATTER_MESSAGE_KIND_DEVICE_ADDED notice is about; 0 if none
 */
guint32
natter_message_get_sender_device (NatterMessage *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGE (self), 0);
  return self->sender_device;
}

/**
 * natter_message_get_kind:
 * @self: a message
 *
 * Returns: whether it is a message or a notice
 */
NatterMessageKind
natter_message_get_kind (NatterMessage *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGE (self), NATTER_MESSAGE_KIND_TEXT);
  return self->kind;
}
