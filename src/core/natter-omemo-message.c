/* natter-omemo-message.c: OMEMO in one message: opening what arrives, sealing what goes
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The messaging pipeline stores every message once; these two functions
 * are where OMEMO touches it.  Opening replaces a message's body with
 * what its <encrypted> element holds for this device, or, when that
 * cannot be read, stores the message without a body and with the reason
 * in words a person understands: nothing is dropped silently, and the
 * plaintext fallback body of an encrypted message is never shown as if
 * it were the message.  Sealing turns a chat message into an OMEMO one:
 * the <encrypted> element, XEP-0380's explicit encryption marker, a
 * store hint (the body is not what servers would archive otherwise) and
 * the customary fallback body.
 */
#include "config.h"

#include "natter-omemo-message.h"

#include <glib/gi18n-lib.h>

#include "natter-error.h"

#define XMPP_NS_EME "urn:xmpp:eme:0"     /* XEP-0380 */
#define XMPP_NS_HINTS "urn:xmpp:hints"   /* XEP-0334 */

static const char *
reason_for (const GError *error)
{
  if (error->domain != NATTER_OMEMO_ERROR)
    return error->message;
  switch (error->code)
    {
    case NATTER_OMEMO_ERROR_NOT_FOR_THIS_DEVICE:
      return _("This message was not encrypted for this device.");
    case NATTER_OMEMO_ERROR_NO_SESSION:
      return _("This message could not be decrypted: there is no session with the sending device yet.");
    case NATTER_OMEMO_ERROR_UNTRUSTED:
      return _("This message comes from a device whose identity key changed; it was not decrypted.");
    case NATTER_OMEMO_ERROR_AUTHENTICATION:
      return _("This message was altered on its way and cannot be trusted.");
    case NATTER_OMEMO_ERROR_MALFORMED:
      return _("This encrypted message is malformed.");
    case NATTER_OMEMO_ERROR_DUPLICATE:
      return _("This encrypted message was received before.");
    default:
      return error->message;
    }
}

/**
 * natter_omemo_message_open:
 * @omemo: the account's OMEMO
 * @message: a message as it arrived (live, carbon or archived)
 * @record: the record the pipeline made of it
 *
 * Decrypts @message into @record when it is an OMEMO message: the body
 * becomes the plaintext, with the sending device and its trust; a message
 * that cannot be read keeps no body and says why (incoming ones become
 * %NATTER_STORE_MESSAGE_STATE_UNDECRYPTABLE).  A message this device
 * already decrypted (the archive's copy of one that came live, or a
 * replay) cannot be decrypted twice; it stays a record without body, so
 * that the store's duplicate check finds the copy already stored by its
 * ids, and the pipeline keeps the archive's order around it.
 *
 * Returns: %FALSE when there is nothing to store: a key transport element
 *   (an empty message that only repairs a session)
 */
gboolean
natter_omemo_message_open (NatterOmemo        *omemo,
                           XmppMessage        *message,
                           NatterStoreMessage *record)
{
  XmppNode *encrypted = xmpp_message_get_encrypted (message);
  g_autoptr(NatterOmemoDecrypted) decrypted = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppJid) from = NULL;

  g_return_val_if_fail (record != NULL, FALSE);

  if (encrypted == NULL ||
      g_strcmp0 (xmpp_node_get_xmlns (encrypted), XMPP_NS_OMEMO_LEGACY) != 0)
    return TRUE;

  record->encryption = NATTER_STORE_ENCRYPTION_OMEMO;
  g_clear_pointer (&record->body, g_free);
  from = xmpp_message_get_from (message) != NULL ? xmpp_jid_ref (xmpp_message_get_from (message))
                                                 : NULL;
  if (omemo != NULL && from != NULL)
    decrypted = natter_omemo_decrypt (omemo, from, encrypted, &error);
  else
    g_set_error_literal (&error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_NO_SESSION,
                         _("OMEMO is not ready on this account yet."));

  if (decrypted != NULL)
    {
      if (decrypted->body == NULL)
        return FALSE;  /* key transport */
      record->body = g_strdup (decrypted->body);
      record->sender_device = decrypted->sender_device;
      record->sender_trust = decrypted->trust;
      return TRUE;
    }

  g_debug ("An OMEMO message could not be decrypted: %s", error->message);
  record->error = g_strdup (reason_for (error));
  if (record->direction == NATTER_STORE_DIRECTION_IN)
    record->state = NATTER_STORE_MESSAGE_STATE_UNDECRYPTABLE;
  return TRUE;
}

/**
 * natter_omemo_message_take_key_transport:
 * @omemo: (nullable): the account's OMEMO
 * @message: a message as it arrived live or as a carbon
 *
 * A key transport element is an OMEMO element without payload and a
 * message without body: the sender built a new session with this device
 * (it repairs one we could not read with).  Taking it makes the session
 * the one its next messages use; there is nothing to store.
 *
 * Returns: %TRUE if @message was a key transport element, handled here
 */
gboolean
natter_omemo_message_take_key_transport (NatterOmemo *omemo,
                                         XmppMessage *message)
{
  XmppNode *encrypted = xmpp_message_get_encrypted (message);
  g_autoptr(NatterOmemoEncrypted) parsed = NULL;
  g_autoptr(NatterOmemoDecrypted) decrypted = NULL;
  g_autoptr(GError) error = NULL;

  if (encrypted == NULL || xmpp_message_get_body (message) != NULL ||
      g_strcmp0 (xmpp_node_get_xmlns (encrypted), XMPP_NS_OMEMO_LEGACY) != 0)
    return FALSE;
  parsed = natter_omemo_encrypted_parse (encrypted, NULL);
  if (parsed == NULL || parsed->payload != NULL)
    return FALSE;
  if (omemo == NULL || xmpp_message_get_from (message) == NULL)
    return TRUE;
  decrypted = natter_omemo_decrypt (omemo, xmpp_message_get_from (message), encrypted, &error);
  if (decrypted == NULL)
    g_debug ("OMEMO: a key transport element could not be taken: %s", error->message);
  return TRUE;
}

/**
 * natter_omemo_message_seal:
 * @stanza: a chat message to send, with its plaintext body
 * @encrypted: (transfer none): its <encrypted> element
 *
 * Makes @stanza an OMEMO message: the plaintext body goes, the encrypted
 * element, the XEP-0380 marker, a store hint and the fallback body come.
 */
void
natter_omemo_message_seal (XmppNode *stanza,
                           XmppNode *encrypted)
{
  XmppNode *body;

  g_return_if_fail (stanza != NULL);
  g_return_if_fail (encrypted != NULL);

  while ((body = xmpp_node_get_child (stanza, "body", XMPP_NS_CLIENT)) != NULL)
    xmpp_node_remove_child (stanza, body);
  xmpp_node_append_child (stanza, encrypted);
  xmpp_node_add_child_with_attributes (stanza, "encryption", XMPP_NS_EME,
                                       "namespace", XMPP_NS_OMEMO_LEGACY,
                                       "name", "OMEMO",
                                       NULL);
  xmpp_node_add_child (stanza, "store", XMPP_NS_HINTS);
  xmpp_node_add_text_child (stanza, "body", XMPP_NS_CLIENT, NATTER_OMEMO_FALLBACK_BODY);
}

/**
 * natter_omemo_message_build_key_transport:
 * @to: the bare JID whose devices get the new key
 * @encrypted: a key transport element, without payload
 *
 * A message that carries only keys: it makes the devices take the
 * sessions it was encrypted through (the answer to a message we could not
 * read).  No body, so no client shows it; a store hint, so the devices
 * that are offline find it in the archive.
 *
 * Returns: (transfer full): the stanza to send
 */
XmppNode *
natter_omemo_message_build_key_transport (const char           *to,
                                          NatterOmemoEncrypted *encrypted)
{
  g_autoptr(XmppNode) element = NULL;
  XmppNode *message;

  g_return_val_if_fail (to != NULL, NULL);
  g_return_val_if_fail (encrypted != NULL && encrypted->payload == NULL, NULL);

  element = natter_omemo_encrypted_to_node (encrypted);
  message = xmpp_node_build ("message", XMPP_NS_CLIENT, "to", to, "type", "chat", NULL);
  xmpp_node_append_child (message, element);
  xmpp_node_add_child (message, "store", XMPP_NS_HINTS);
  return message;
}
