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
void                natter_message_set_state            (NatterMessage        *self,
                                                         NatterMessageState    state);

NatterMessageList  *natter_message_list_new             (NatterStore          *store,
                                                         gint64                conversation_id,
                                                         GError              **error)
                    G_GNUC_WARN_UNUSED_RESULT;
NatterMessage      *natter_message_list_add_record      (NatterMessageList    *self,
                                                         NatterStoreMessage   *record);
NatterMessage      *natter_message_list_get_last        (NatterMessageList    *self);
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

gint64              natter_messaging_datetime_to_usec   (GDateTime            *time);
NatterStoreMessage *natter_messaging_send_body          (NatterMessaging      *self,
                                                         NatterConversation   *conversation,
                                                         const char           *body,
                                                         const char           *replace_id,
                                                         GError              **error);
void                natter_messaging_send_stanza        (NatterMessaging      *self,
                                                         XmppNode             *stanza);

G_END_DECLS
