/* natter-store-private.h: what the files of src/store share and tests reach
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

#include "natter-store.h"

G_BEGIN_DECLS

/* 'NATT': marks the file as a Natter database (PRAGMA application_id). */
#define NATTER_STORE_APPLICATION_ID 0x4E415454

/*
 * One SQLite connection and its cache of prepared statements.  A
 * connection is used by one thread at a time: the store's main connection
 * under NatterStore.lock, the worker connection only by the worker thread.
 */
typedef struct
{
  sqlite3    *handle;
  GHashTable *statements;   /* const char *sql (static, by address) -> sqlite3_stmt * */
} NatterStoreDb;

/*
 * A cached prepared statement.  g_autoptr(NatterStoreStmt) does not free
 * it: it resets it and clears its bindings when the variable goes out of
 * scope, so no statement ever holds a read transaction open or keeps a
 * pointer to a freed string.
 */
typedef sqlite3_stmt NatterStoreStmt;

void              natter_store_stmt_reset               (NatterStoreStmt  *stmt);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NatterStoreStmt, natter_store_stmt_reset)

struct _NatterStore
{
  GObject        parent_instance;

  char          *path;
  GMutex         lock;        /* guards db */
  NatterStoreDb *db;          /* the main connection; NULL once closed */
  GThreadPool   *worker;      /* one exclusive thread */
  NatterStoreDb *worker_db;   /* opened lazily by the worker thread */
  int            main_waiting; /* atomic: the main connection waits for the write lock */
};

/* natter-store-db.c */
NatterStoreDb    *natter_store_db_open                  (const char       *path,
                                                         GError          **error);
void              natter_store_db_free                  (NatterStoreDb    *db);
NatterStoreStmt  *natter_store_db_prepare               (NatterStoreDb    *db,
                                                         const char       *sql,
                                                         GError          **error);
int               natter_store_db_step                  (NatterStoreDb    *db,
                                                         NatterStoreStmt  *stmt,
                                                         GError          **error);
gboolean          natter_store_db_step_done             (NatterStoreDb    *db,
                                                         NatterStoreStmt  *stmt,
                                                         GError          **error);
gboolean          natter_store_db_exec                  (NatterStoreDb    *db,
                                                         const char       *sql,
                                                         GError          **error);
gboolean          natter_store_db_begin                 (NatterStoreDb    *db,
                                                         GError          **error);
gboolean          natter_store_db_commit                (NatterStoreDb    *db,
                                                         GError          **error);
void              natter_store_db_rollback              (NatterStoreDb    *db);
gboolean          natter_store_db_end                   (NatterStoreDb    *db,
                                                         gboolean          ok,
                                                         GError          **error);
void              natter_store_db_set_error             (NatterStoreDb    *db,
                                                         int               rc,
                                                         GError          **error);
void              natter_store_set_sqlite_error         (int               rc,
                                                         const char       *detail,
                                                         GError          **error);

void              natter_store_bind_text                (NatterStoreStmt  *stmt,
                                                         int               index,
                                                         const char       *text);
void              natter_store_bind_int64_or_null       (NatterStoreStmt  *stmt,
                                                         int               index,
                                                         gint64            value);
char             *natter_store_column_dup               (NatterStoreStmt  *stmt,
                                                         int               column);

/* natter-store-schema.c */
guint             natter_store_schema_get_version       (void);
gboolean          natter_store_schema_probe             (const char       *path,
                                                         GError          **error);
gboolean          natter_store_schema_migrate           (NatterStoreDb    *db,
                                                         const char       *path,
                                                         GError          **error);

/* Public functions check this first: the store is a store and not closed. */
#define NATTER_STORE_RETURN_IF_CLOSED(self, val) \
  g_return_val_if_fail (NATTER_IS_STORE (self) && (self)->db != NULL, (val))
#define NATTER_STORE_RETURN_IF_CLOSED_VOID(self) \
  g_return_if_fail (NATTER_IS_STORE (self) && (self)->db != NULL)

/* natter-store.c */
NatterStoreDb    *natter_store_lock_db                  (NatterStore      *self,
                                                         GMutexLocker    **locker);
sqlite3          *natter_store_get_sqlite               (NatterStore      *self);

/*
 * Work for the worker thread: runs with the worker's connection and
 * returns a result (freed with result_free if nobody takes it), or sets
 * @error.  Jobs with result_free == NULL return a boolean.
 */
typedef gpointer (*NatterStoreJobFunc) (NatterStoreDb  *db,
                                        gpointer        data,
                                        GError        **error);

void              natter_store_run_job                  (NatterStore         *self,
                                                         gpointer             source_tag,
                                                         NatterStoreJobFunc   func,
                                                         gpointer             data,
                                                         GDestroyNotify       data_free,
                                                         GDestroyNotify       result_free,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);

/* Bodies of the functions that run on either connection. */
gboolean          natter_store_db_remove_account        (NatterStoreDb    *db,
                                                         gint64            account_id,
                                                         GError          **error);
GArray           *natter_store_db_insert_messages       (NatterStoreDb    *db,
                                                         GPtrArray        *messages,
                                                         NatterStoreMamRange *range,
                                                         GError          **error);
GPtrArray        *natter_store_db_search                (NatterStoreDb    *db,
                                                         const char       *text,
                                                         gint64            account_id,
                                                         gint64            conversation_id,
                                                         guint             limit,
                                                         GError          **error);
gboolean          natter_store_db_save_mam_range        (NatterStoreDb    *db,
                                                         NatterStoreMamRange *range,
                                                         GError          **error);

/* natter-store-messages.c: the columns natter_store_message_from_row() reads, from alias m. */
#define NATTER_STORE_MESSAGE_COLUMNS \
  "m.id, m.conversation_id, m.account_id, m.direction, m.sender, m.body, m.original_body, " \
  "m.stanza_id, m.archive, m.origin_id, m.message_id, m.timestamp, m.delay, m.received, " \
  "m.state, m.error, m.replaces_ref, m.replaces_id, m.encryption, m.sender_device, " \
  "m.sender_trust, m.flags"

NatterStoreMessage *natter_store_message_from_row       (NatterStoreStmt  *stmt);

/* natter-store-search.c */
char             *natter_store_search_build_query       (const char       *text);

G_END_DECLS
