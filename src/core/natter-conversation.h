/* natter-conversation.h: a one-to-one conversation of an account
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "natter-core-types.h"
#include "natter-message-list.h"
#include "natter-message.h"

G_BEGIN_DECLS

/**
 * NatterChatState:
 * @NATTER_CHAT_STATE_NONE: nothing known
 * @NATTER_CHAT_STATE_ACTIVE: paying attention
 * @NATTER_CHAT_STATE_COMPOSING: typing
 * @NATTER_CHAT_STATE_PAUSED: stopped typing
 * @NATTER_CHAT_STATE_INACTIVE: not paying attention
 * @NATTER_CHAT_STATE_GONE: left the conversation
 *
 * XEP-0085 chat states; the values match the engine's.
 */
typedef enum {
  NATTER_CHAT_STATE_NONE,
  NATTER_CHAT_STATE_ACTIVE,
  NATTER_CHAT_STATE_COMPOSING,
  NATTER_CHAT_STATE_PAUSED,
  NATTER_CHAT_STATE_INACTIVE,
  NATTER_CHAT_STATE_GONE,
} NatterChatState;

/* At most one chat state every this many µs while typing (XEP-0085 §5.2). */
#define NATTER_CONVERSATION_TYPING_INTERVAL (5 * G_USEC_PER_SEC)

#define NATTER_TYPE_CONVERSATION (natter_conversation_get_type ())

G_DECLARE_FINAL_TYPE (NatterConversation, natter_conversation, NATTER, CONVERSATION, GObject)

gint64             natter_conversation_get_id            (NatterConversation   *self);
NatterAccount     *natter_conversation_get_account       (NatterConversation   *self);
const char        *natter_conversation_get_peer          (NatterConversation   *self);
const char        *natter_conversation_get_title         (NatterConversation   *self);
const char        *natter_conversation_get_preview       (NatterConversation   *self);
gint64             natter_conversation_get_last_activity (NatterConversation   *self);
guint              natter_conversation_get_unread        (NatterConversation   *self);
const char        *natter_conversation_get_draft         (NatterConversation   *self);
void               natter_conversation_set_draft         (NatterConversation   *self,
                                                          const char           *draft);
NatterChatState    natter_conversation_get_chat_state    (NatterConversation   *self);
NatterMessageEncryption natter_conversation_get_encryption (NatterConversation   *self);
void               natter_conversation_set_encryption    (NatterConversation   *self,
                                                          NatterMessageEncryption encryption);
NatterMessageList *natter_conversation_get_messages      (NatterConversation   *self,
                                                          GError              **error);
void               natter_conversation_send_async        (NatterConversation   *self,
                                                          const char           *body,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
NatterMessage     *natter_conversation_send_finish       (NatterConversation   *self,
                                                          GAsyncResult         *result,
                                                          GError              **error)
                   G_GNUC_WARN_UNUSED_RESULT;
void               natter_conversation_correct_last_async  (NatterConversation   *self,
                                                            const char           *body,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
gboolean           natter_conversation_correct_last_finish (NatterConversation   *self,
                                                            GAsyncResult         *result,
                                                            GError              **error);
void               natter_conversation_retry_async       (NatterConversation   *self,
                                                          NatterMessage        *message,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
gboolean           natter_conversation_retry_finish      (NatterConversation   *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);
void               natter_conversation_mark_read         (NatterConversation   *self);
void               natter_conversation_set_typing        (NatterConversation   *self,
                                                          NatterChatState       state);

G_END_DECLS
