/* natter-store-db.c: one SQLite connection, its statements and its errors
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "natter-store-error.h"
#include "natter-store-private.h"

/* How long a connection waits for another one's write transaction. */
#define BUSY_TIMEOUT_MS 5000

/**
 * natter_store_set_sqlite_error:
 * @rc: an SQLite result code (extended codes allowed)
 * @detail: (nullable): SQLite's own message
 * @error: return location for a #GError
 *
 * Maps an SQLite failure to the %NATTER_STORE_ERROR domain.
 */
void
natter_store_set_sqlite_error (int          rc,
                               const char  *detail,
                               GError     **error)
{
  if (detail == NULL)
    detail = sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      g_set_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_FULL,
                   _("The disk is full; nothing was saved (%s)"), detail);
      break;

    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_CORRUPT,
                   _("The message database is damaged or is not a database (%s)"), detail);
      break;

    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_BUSY,
                   _("The message database is locked by another program (%s)"), detail);
      break;

    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
        g_set_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_EXISTS,
                     _("The entry already exists (%s)"), detail);
      else if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
        g_set_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_NOT_FOUND,
                     _("The entry refers to one that does not exist (%s)"), detail);
      else
        g_set_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_FAILED,
                     _("The entry is not valid (%s)"), detail);
      break;

    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_AUTH:
    case SQLITE_READONLY:
      g_set_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_CANNOT_OPEN,
                   _("The message database cannot be written (%s)"), detail);
      break;

    default:
      g_set_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_FAILED,
                   _("Database error: %s"), detail);
      break;
    }
}

/**
 * natter_store_db_set_error:
 * @db: a connection
 * @rc: the result code of the call that failed on @db
 * @error: return location for a #GError
 *
 * Like natter_store_set_sqlite_error() with the connection's message.
 */
void
natter_store_db_set_error (NatterStoreDb  *db,
                           int             rc,
                           GError        **error)
{
  g_assert (db != NULL);

  natter_store_set_sqlite_error (rc, sqlite3_errmsg (db->handle), error);
}

void
natter_store_stmt_reset (NatterStoreStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

static gboolean
configure (NatterStoreDb  *db,
           GError        **error)
{
  NatterStoreStmt *stmt = NULL;
  const char *mode;
  int rc;

  sqlite3_extended_result_codes (db->handle, 1);
  sqlite3_busy_timeout (db->handle, BUSY_TIMEOUT_MS);
  /* No writable_schema and friends: SQL cannot corrupt the file. */
  sqlite3_db_config (db->handle, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);

  /* journal_mode answers with the mode it set: a file system without
   * shared memory support stays in another mode, which we refuse rather
   * than run without WAL's crash guarantees. */
  stmt = natter_store_db_prepare (db, "PRAGMA journal_mode = WAL", error);
  if (stmt == NULL)
    return FALSE;
  rc = natter_store_db_step (db, stmt, error);
  if (rc != SQLITE_ROW)
    {
      natter_store_stmt_reset (stmt);
      return FALSE;
    }
  mode = (const char *) sqlite3_column_text (stmt, 0);
  if (g_strcmp0 (mode, "wal") != 0)
    {
      g_set_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_CANNOT_OPEN,
                   _("The message database cannot use write-ahead logging (journal mode “%s”)"),
                   mode != NULL ? mode : "");
      natter_store_stmt_reset (stmt);
      return FALSE;
    }
  natter_store_stmt_reset (stmt);

  /* secure_delete: deleted messages leave no residue in free pages (SECURITY.md N5). */
  return natter_store_db_exec (db,
                               "PRAGMA synchronous = NORMAL;"
                               "PRAGMA secure_delete = ON;"
                               "PRAGMA foreign_keys = ON;"
                               "PRAGMA temp_store = MEMORY;",
                               error);
}

/**
 * natter_store_db_open:
 * @path: the database file
 * @error: return location for a #GError
 *
 * Opens (creating if needed) @path read-write for use by one thread at a
 * time, in WAL mode with foreign keys, synchronous=NORMAL, secure_delete
 * and a busy timeout.  It does not look at the schema.
 *
 * Returns: (transfer full): the connection, or %NULL
 */
NatterStoreDb *
natter_store_db_open (const char  *path,
                      GError     **error)
{
  NatterStoreDb *db;
  int rc;

  g_assert (path != NULL);

  db = g_new0 (NatterStoreDb, 1);
  db->statements = g_hash_table_new_full (NULL, NULL, NULL,
                                          (GDestroyNotify) sqlite3_finalize);
  rc = sqlite3_open_v2 (path, &db->handle,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_CANNOT_OPEN,
                   _("Could not open the message database “%s”: %s"), path,
                   db->handle != NULL ? sqlite3_errmsg (db->handle) : sqlite3_errstr (rc));
      natter_store_db_free (db);
      return NULL;
    }

  if (!configure (db, error))
    {
      natter_store_db_free (db);
      return NULL;
    }

  return db;
}

/**
 * natter_store_db_free:
 * @db: (transfer full): a connection
 *
 * Finalizes the cached statements and closes the connection.  The last
 * connection to close checkpoints the WAL into the database file.
 */
void
natter_store_db_free (NatterStoreDb *db)
{
  if (db == NULL)
    return;

  g_clear_pointer (&db->statements, g_hash_table_unref);
  if (db->handle != NULL && sqlite3_close (db->handle) != SQLITE_OK)
    g_warning ("Closing the message database failed: %s", sqlite3_errmsg (db->handle));
  g_free (db);
}

/**
 * natter_store_db_prepare:
 * @db: a connection
 * @sql: a statement; a string literal, since the cache is keyed by address
 * @error: return location for a #GError
 *
 * Returns the cached prepared statement for @sql, preparing it the first
 * time.  Hold it in a g_autoptr(NatterStoreStmt), which resets it.
 *
 * Returns: (transfer none): the statement, or %NULL
 */
NatterStoreStmt *
natter_store_db_prepare (NatterStoreDb  *db,
                         const char     *sql,
                         GError        **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_assert (db != NULL);

  stmt = g_hash_table_lookup (db->statements, sql);
  if (stmt != NULL)
    return stmt;

  rc = sqlite3_prepare_v3 (db->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      natter_store_db_set_error (db, rc, error);
      return NULL;
    }
  g_hash_table_insert (db->statements, (gpointer) sql, stmt);
  return stmt;
}

/**
 * natter_store_db_step:
 * @db: a connection
 * @stmt: one of its statements
 * @error: return location for a #GError
 *
 * Returns: %SQLITE_ROW or %SQLITE_DONE, or another code with @error set
 */
int
natter_store_db_step (NatterStoreDb    *db,
                      NatterStoreStmt  *stmt,
                      GError          **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    natter_store_db_set_error (db, rc, error);
  return rc;
}

/**
 * natter_store_db_step_done:
 * @db: a connection
 * @stmt: one of its statements, returning no row
 * @error: return location for a #GError
 *
 * Returns: %TRUE if @stmt ran to completion
 */
gboolean
natter_store_db_step_done (NatterStoreDb    *db,
                           NatterStoreStmt  *stmt,
                           GError          **error)
{
  int rc;

  while ((rc = natter_store_db_step (db, stmt, error)) == SQLITE_ROW)
    ;
  return rc == SQLITE_DONE;
}

/**
 * natter_store_db_exec:
 * @db: a connection
 * @sql: one or more statements without parameters
 * @error: return location for a #GError
 *
 * Returns: %TRUE if all of @sql ran
 */
gboolean
natter_store_db_exec (NatterStoreDb  *db,
                      const char     *sql,
                      GError        **error)
{
  char *message = NULL;
  int rc;

  g_assert (db != NULL);

  rc = sqlite3_exec (db->handle, sql, NULL, NULL, &message);
  if (rc != SQLITE_OK)
    {
      natter_store_set_sqlite_error (rc, message, error);
      sqlite3_free (message);
      return FALSE;
    }
  return TRUE;
}

/**
 * natter_store_db_begin:
 * @db: a connection
 * @error: return location for a #GError
 *
 * Starts a write transaction.  It takes the write lock at once (IMMEDIATE),
 * so waiting for another connection happens here, under the busy timeout,
 * and never as a deadlock halfway through.
 *
 * Returns: %TRUE if the transaction started
 */
gboolean
natter_store_db_begin (NatterStoreDb  *db,
                       GError        **error)
{
  g_autoptr(NatterStoreStmt) stmt = natter_store_db_prepare (db, "BEGIN IMMEDIATE", error);

  return stmt != NULL && natter_store_db_step_done (db, stmt, error);
}

/**
 * natter_store_db_commit:
 * @db: a connection
 * @error: return location for a #GError
 *
 * Commits.  On failure the transaction may still be open: call
 * natter_store_db_rollback().
 *
 * Returns: %TRUE if the transaction was committed
 */
gboolean
natter_store_db_commit (NatterStoreDb  *db,
                        GError        **error)
{
  g_autoptr(NatterStoreStmt) stmt = natter_store_db_prepare (db, "COMMIT", error);

  return stmt != NULL && natter_store_db_step_done (db, stmt, error);
}

/**
 * natter_store_db_rollback:
 * @db: a connection
 *
 * Rolls back the open transaction, if SQLite has not already done so (it
 * does by itself after some errors, %SQLITE_FULL among them).
 */
void
natter_store_db_rollback (NatterStoreDb *db)
{
  g_assert (db != NULL);

  if (!sqlite3_get_autocommit (db->handle))
    sqlite3_exec (db->handle, "ROLLBACK", NULL, NULL, NULL);
}

/**
 * natter_store_db_end:
 * @db: a connection in a transaction
 * @ok: whether the work in the transaction succeeded
 * @error: return location for a #GError, set if @ok is %FALSE
 *
 * Commits if @ok, else (or if the commit fails) rolls back.
 *
 * Returns: %TRUE if the transaction was committed
 */
gboolean
natter_store_db_end (NatterStoreDb  *db,
                     gboolean        ok,
                     GError        **error)
{
  if (ok)
    ok = natter_store_db_commit (db, error);
  if (!ok)
    natter_store_db_rollback (db);
  return ok;
}

/**
 * natter_store_bind_text:
 * @stmt: a statement
 * @index: the parameter, from 1
 * @text: (nullable): the value; %NULL binds NULL
 */
void
natter_store_bind_text (NatterStoreStmt *stmt,
                        int              index,
                        const char      *text)
{
  sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

/**
 * natter_store_bind_int64_or_null:
 * @stmt: a statement
 * @index: the parameter, from 1
 * @value: the value; 0 binds NULL
 */
void
natter_store_bind_int64_or_null (NatterStoreStmt *stmt,
                                 int              index,
                                 gint64           value)
{
  if (value == 0)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_int64 (stmt, index, value);
}

/**
 * natter_store_column_dup:
 * @stmt: a statement on a row
 * @column: the column, from 0
 *
 * Returns: (transfer full) (nullable): a copy of the text, %NULL for NULL
 */
char *
natter_store_column_dup (NatterStoreStmt *stmt,
                         int              column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}
