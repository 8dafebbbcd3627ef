/* natter-store.h: the SQLite database of accounts, rosters and messages
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "natter-store-records.h"

G_BEGIN_DECLS

#define NATTER_TYPE_STORE (natter_store_get_type ())

G_DECLARE_FINAL_TYPE (NatterStore, natter_store, NATTER, STORE, GObject)

/* The store */
char        *natter_store_dup_default_path (void) G_GNUC_WARN_UNUSED_RESULT;
NatterStore *natter_store_open             (const char   *path,
                                            GError      **error) G_GNUC_WARN_UNUSED_RESULT;
void         natter_store_close            (NatterStore  *self);
const char  *natter_store_get_path         (NatterStore  *self);

/* Accounts */
gboolean            natter_store_add_account           (NatterStore          *self,
                                                        NatterStoreAccount   *account,
                                                        GError              **error);
gboolean            natter_store_update_account        (NatterStore          *self,
                                                        NatterStoreAccount   *account,
                                                        GError              **error);
gboolean            natter_store_remove_account        (NatterStore          *self,
                                                        gint64                account_id,
                                                        GError              **error);
void                natter_store_remove_account_async  (NatterStore          *self,
                                                        gint64                account_id,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean            natter_store_remove_account_finish (NatterStore          *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
NatterStoreAccount *natter_store_get_account           (NatterStore          *self,
                                                        gint64                account_id,
                                                        GError              **error);
GPtrArray          *natter_store_list_accounts         (NatterStore          *self,
                                                        GError              **error);

/* Account settings */
char    *natter_store_dup_account_setting (NatterStore  *self,
                                           gint64        account_id,
                                           const char   *key,
                                           GError      **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean natter_store_set_account_setting (NatterStore  *self,
                                           gint64        account_id,
                                           const char   *key,
                                           const char   *value,
                                           GError      **error);

/* Roster cache */
GPtrArray *natter_store_load_roster        (NatterStore         *self,
                                            gint64               account_id,
                                            char               **version,
                                            GError             **error);
gboolean   natter_store_replace_roster     (NatterStore         *self,
                                            gint64               account_id,
                                            const char          *version,
                                            GPtrArray           *contacts,
                                            GError             **error);
gboolean   natter_store_update_roster_item (NatterStore         *self,
                                            gint64               account_id,
                                            const char          *version,
                                            NatterStoreContact  *contact,
                                            GError             **error);
gboolean   natter_store_remove_roster_item (NatterStore         *self,
                                            gint64               account_id,
                                            const char          *version,
                                            const char          *jid,
                                            GError             **error);

/* Conversations */
NatterStoreConversation *natter_store_ensure_conversation (NatterStore                  *self,
                                                           gint64                        account_id,
                                                           const char                   *peer,
                                                           NatterStoreConversationKind   kind,
                                                           GError                      **error);
NatterStoreConversation *natter_store_get_conversation    (NatterStore                  *self,
                                                           gint64                        conversation_id,
                                                           GError                      **error);
GPtrArray               *natter_store_list_conversations  (NatterStore                  *self,
                                                           GError                      **error);

/* Conversation state */
gboolean natter_store_set_conversation_unread     (NatterStore            *self,
                                                   gint64                  conversation_id,
                                                   guint                   unread,
                                                   GError                **error);
gboolean natter_store_set_conversation_draft      (NatterStore            *self,
                                                   gint64                  conversation_id,
                                                   const char             *draft,
                                                   GError                **error);
gboolean natter_store_set_conversation_encryption (NatterStore            *self,
                                                   gint64                  conversation_id,
                                                   NatterStoreEncryption   encryption,
                                                   GError                **error);
gboolean natter_store_touch_conversation          (NatterStore            *self,
                                                   gint64                  conversation_id,
                                                   gint64                  timestamp,
                                                   GError                **error);
gboolean natter_store_remove_conversation         (NatterStore            *self,
                                                   gint64                  conversation_id,
                                                   GError                **error);

/* Messages: writing */
gboolean natter_store_insert_message         (NatterStore              *self,
                                              NatterStoreMessage       *message,
                                              NatterStoreInsertResult  *result,
                                              GError                  **error);
GArray  *natter_store_insert_messages        (NatterStore              *self,
                                              GPtrArray                *messages,
                                              NatterStoreMamRange      *range,
                                              GError                  **error);
void     natter_store_insert_messages_async  (NatterStore              *self,
                                              GPtrArray                *messages,
                                              NatterStoreMamRange      *range,
                                              GCancellable             *cancellable,
                                              GAsyncReadyCallback       callback,
                                              gpointer                  user_data);
GArray  *natter_store_insert_messages_finish (NatterStore              *self,
                                              GAsyncResult             *result,
                                              GError                  **error);
gboolean natter_store_attach_stanza_id       (NatterStore              *self,
                                              gint64                    message_id,
                                              const char               *archive,
                                              const char               *stanza_id,
                                              GError                  **error);
gboolean natter_store_set_message_state      (NatterStore              *self,
                                              gint64                    message_id,
                                              NatterStoreMessageState   state,
                                              const char               *error_text,
                                              GError                  **error);
gboolean natter_store_advance_message_state  (NatterStore              *self,
                                              gint64                    conversation_id,
                                              const char               *origin_id,
                                              NatterStoreMessageState   state,
                                              gint64                   *message_id,
                                              GError                  **error);
gboolean natter_store_delete_message         (NatterStore              *self,
                                              gint64                    message_id,
                                              GError                  **error);

/* Messages: reading */
NatterStoreMessage *natter_store_get_message                (NatterStore           *self,
                                                             gint64                 message_id,
                                                             GError               **error);
NatterStoreMessage *natter_store_find_message_by_origin_id  (NatterStore           *self,
                                                             gint64                 conversation_id,
                                                             NatterStoreDirection   direction,
                                                             const char            *origin_id,
                                                             GError               **error);
NatterStoreMessage *natter_store_find_message_by_stanza_id  (NatterStore           *self,
                                                             gint64                 account_id,
                                                             const char            *archive,
                                                             const char            *stanza_id,
                                                             GError               **error);
NatterStoreMessage *natter_store_find_message_by_message_id (NatterStore           *self,
                                                             gint64                 conversation_id,
                                                             const char            *message_id,
                                                             GError               **error);
GPtrArray          *natter_store_list_messages_before       (NatterStore           *self,
                                                             gint64                 conversation_id,
                                                             gint64                 timestamp,
                                                             gint64                 message_id,
                                                             guint                  limit,
                                                             GError               **error);
GPtrArray          *natter_store_list_messages_after        (NatterStore           *self,
                                                             gint64                 conversation_id,
                                                             gint64                 timestamp,
                                                             gint64                 message_id,
                                                             guint                  limit,
                                                             GError               **error);
GPtrArray          *natter_store_list_latest_messages       (NatterStore           *self,
                                                             gint64                 conversation_id,
                                                             guint                  limit,
                                                             GError               **error);
NatterStoreMessage *natter_store_get_latest_message         (NatterStore           *self,
                                                             gint64                 conversation_id,
                                                             GError               **error);
gint64              natter_store_count_messages             (NatterStore           *self,
                                                             gint64                 conversation_id,
                                                             GError               **error);

/* Outbox */
GPtrArray *natter_store_list_outbox         (NatterStore  *self,
                                             gint64        account_id,
                                             GError      **error);
gboolean   natter_store_record_send_attempt (NatterStore  *self,
                                             gint64        message_id,
                                             guint        *attempts,
                                             GError      **error);

/* Archive (MAM) coverage */
GPtrArray *natter_store_list_mam_ranges  (NatterStore          *self,
                                          gint64                account_id,
                                          const char           *archive,
                                          GError              **error);
gboolean   natter_store_save_mam_range   (NatterStore          *self,
                                          NatterStoreMamRange  *range,
                                          GError              **error);
gboolean   natter_store_remove_mam_range (NatterStore          *self,
                                          gint64                range_id,
                                          GError              **error);

/* Search */
GPtrArray *natter_store_search        (NatterStore          *self,
                                       const char           *text,
                                       gint64                account_id,
                                       gint64                conversation_id,
                                       guint                 limit,
                                       GError              **error);
void       natter_store_search_async  (NatterStore          *self,
                                       const char           *text,
                                       gint64                account_id,
                                       gint64                conversation_id,
                                       guint                 limit,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
GPtrArray *natter_store_search_finish (NatterStore          *self,
                                       GAsyncResult         *result,
                                       GError              **error);
G_END_DECLS
