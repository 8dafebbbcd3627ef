/* natter-conversation-private.h: messages, conversations and their lists, inside src/core
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "store/store.h"
#include "xmpp/xmpp.h"

#include "natter-account.h"
#include "natter-conversation-list.h"
#include "natter-conversation.h"
#include "natter-message-list.h"
#include "natter-message.h"
#include "natter-messaging.h"

G_BEGIN_DECLS

NatterMessage      *natter_message_new_from_record      (NatterStoreMessage   *record)
                    G_GNUC_WARN_UNUSED_RESULT;
void                natter_message_update               (NatterMessage        *self,
                                                         NatterStoreMessage   *record);
gboolean            natter_message_record_is_hidden     (NatterStoreMessage   *record);
void                natter_message_set_state            (NatterMessage        *self,
                                                         NatterMessageState    state);

NatterMessageList  *natter_message_list_new             (NatterStore          *store,
                                                         gint64                conversation_id,
                                                         GError              **error)
                    G_GNUC_WARN_UNUSED_RESULT;
NatterMessage      *natter_message_list_add_record      (NatterMessageList    *self,
                                                         NatterStoreMessage   *record);
NatterMessage      *natter_message_list_get_last        (NatterMessageList    *self);
void                natter_message_list_set_conversation (NatterMessageList   *self,
                                                          NatterConversation  *conversation);
int                 natter_message_list_compare_records (gconstpointer         a,
                                                         gconstpointer         b,
                                                         gpointer              user_data);

NatterConversation *natter_conversation_new             (NatterAccount           *account,
                                                         NatterStore             *store,
                                                         NatterStoreConversation *record)
                    G_GNUC_WARN_UNUSED_RESULT;
void                natter_conversation_set_messaging   (NatterConversation   *self,
                                                         NatterMessaging      *messaging);
void                natter_conversation_add_record      (NatterConversation   *self,
                                                         NatterStoreMessage   *record,
                                                         gboolean              unread);
void                natter_conversation_refresh_message (NatterConversation   *self,
                                                         gint64                message_id);
void                natter_conversation_set_chat_state  (NatterConversation   *self,
                                                         NatterChatState       state);
void                natter_conversation_set_unread      (NatterConversation   *self,
                                                         guint                 unread);
NatterMessage      *natter_conversation_dup_message     (NatterConversation   *self,
                                                         NatterStoreMessage   *record)
                    G_GNUC_WARN_UNUSED_RESULT;
const char         *natter_conversation_get_reply_to    (NatterConversation   *self);
void                natter_conversation_lock_resource   (NatterConversation   *self,
                                                         XmppJid              *from);
void                natter_conversation_unlock_resource (NatterConversation   *self,
                                                         XmppJid              *full_jid);
gboolean            natter_conversation_get_history_complete (NatterConversation *self);
void                natter_conversation_fetch_history_async  (NatterConversation  *self,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
gboolean            natter_conversation_fetch_history_finish (NatterConversation  *self,
                                                              GAsyncResult        *result,
                                                              gboolean            *complete,
                                                              GError             **error);

NatterConversation *natter_conversation_list_ensure     (NatterConversationList  *self,
                                                         NatterAccount           *account,
                                                         const char              *peer,
                                                         GError                 **error);
NatterConversation *natter_conversation_list_lookup_id  (NatterConversationList  *self,
                                                         gint64                   conversation_id);
void                natter_conversation_list_set_messaging (NatterConversationList *self,
                                                            NatterAccount          *account,
                                                            NatterMessaging        *messaging);
void                natter_conversation_list_touched    (NatterConversationList  *self,
                                                         NatterConversation      *conversation);
void                natter_conversation_list_message_received (NatterConversationList *self,
                                                               NatterConversation     *conversation,
                                                               NatterStoreMessage     *record);

gint64              natter_messaging_datetime_to_usec   (GDateTime            *time);
NatterStoreMessage *natter_messaging_send_body          (NatterMessaging      *self,
                                                         NatterConversation   *conversation,
                                                         const char           *body,
                                                         const char           *replace_id,
                                                         GError              **error);
void                natter_messaging_send_stanza        (NatterMessaging      *self,
                                                         XmppNode             *stanza);
gboolean            natter_messaging_retry              (NatterMessaging      *self,
                                                         NatterConversation   *conversation,
                                                         gint64                message_id,
                                                         GError              **error);
gboolean            natter_messaging_get_history_complete (NatterMessaging    *self,
                                                           NatterConversation *conversation);
void                natter_messaging_fetch_history_async  (NatterMessaging     *self,
                                                           NatterConversation  *conversation,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
gboolean            natter_messaging_fetch_history_finish (NatterMessaging     *self,
                                                           GAsyncResult        *result,
                                                           gboolean            *complete,
                                                           GError             **error);

/* For tests: stop the background archive backfill after @pages pages in
 * each pass (0, the default: until the archive's start), so history is
 * left for natter_message_list_request_older(). */
void                natter_messaging_set_backfill_limit (NatterMessaging      *self,
                                                         guint                 pages);

G_END_DECLS
