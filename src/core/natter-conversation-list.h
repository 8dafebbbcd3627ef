/* natter-conversation-list.h: every conversation of every account, newest first
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "natter-conversation.h"
#include "natter-core-types.h"

G_BEGIN_DECLS

#define NATTER_TYPE_CONVERSATION_LIST (natter_conversation_list_get_type ())

G_DECLARE_FINAL_TYPE (NatterConversationList, natter_conversation_list, NATTER, CONVERSATION_LIST, GObject)

NatterConversationList *natter_conversation_list_new    (NatterAccountList       *accounts,
                                                         GError                 **error)
                        G_GNUC_WARN_UNUSED_RESULT;
NatterConversation     *natter_conversation_list_lookup (NatterConversationList  *self,
                                                         NatterAccount           *account,
                                                         const char              *peer);
NatterConversation     *natter_conversation_list_open   (NatterConversationList  *self,
                                                         NatterAccount           *account,
                                                         const char              *peer,
                                                         GError                 **error);
void                    natter_conversation_list_search_async  (NatterConversationList  *self,
                                                                const char              *text,
                                                                guint                    limit,
                                                                GCancellable            *cancellable,
                                                                GAsyncReadyCallback      callback,
                                                                gpointer                 user_data);
GListModel             *natter_conversation_list_search_finish (NatterConversationList  *self,
                                                                GAsyncResult            *result,
                                                                GError                 **error);

G_END_DECLS
