/* natter-store.c: the SQLite database of accounts, rosters and messages
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "natter-store.h"

#include <errno.h>
#include <glib/gi18n-lib.h>

#include "natter-store-error.h"
#include "natter-store-private.h"

/**
 * NatterStore:
 *
 * The database: one SQLite file per user (by default
 * `$XDG_DATA_HOME/natter/natter.db`) holding accounts, roster caches,
 * conversations, messages, the outbox, archive coverage and a full-text
 * index.
 *
 * Threads.  A store has two connections to its file.  The main connection
 * serves every synchronous function; they may be called from any thread
 * and take turns on a mutex, but they are meant for short work on the main
 * thread: a page of messages, one insert, a state change.  The worker
 * connection belongs to the store's own worker thread, which runs the
 * `_async` functions (batch inserts of archive pages, search, removing an
 * account) one after another and returns their results to the caller's
 * thread-default main context.  WAL mode lets the main connection read
 * while the worker writes; a write on the main connection waits for the
 * worker's current transaction to end (up to 5 s) and goes before the
 * worker's next one.
 *
 * Every write function is one transaction: it happens completely or not at
 * all, and on failure (a full disk included) the database is as before.
 *
 * Records returned are new references owned by the caller; arrays returned
 * free their elements.
 */

static void natter_store_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (NatterStore, natter_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      natter_store_initable_iface_init))

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  NatterStoreJobFunc func;
  gpointer           data;
  GDestroyNotify     data_free;
  GDestroyNotify     result_free;
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  if (job->data_free != NULL)
    g_clear_pointer (&job->data, job->data_free);
  g_free (job);
}

/* The main connection's busy handler: poll often, and tell the worker. */
#define MAIN_POLL_US 1000
#define MAIN_BUSY_TIMEOUT_US (5 * G_USEC_PER_SEC)

static int
main_busy_cb (void *data,
              int   count)
{
  NatterStore *self = data;

  if ((gint64) count * MAIN_POLL_US >= MAIN_BUSY_TIMEOUT_US)
    return 0;
  g_atomic_int_set (&self->main_waiting, TRUE);
  g_usleep (MAIN_POLL_US);
  return 1;
}

static void
worker_run (gpointer data,
            gpointer user_data)
{
  g_autoptr(GTask) task = data;
  g_autoptr(GError) error = NULL;
  NatterStore *self = user_data;
  Job *job = g_task_get_task_data (task);
  gpointer result;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (self->worker_db == NULL)
    {
      self->worker_db = natter_store_db_open (self->path, &error);
      if (self->worker_db == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }

  result = job->func (self->worker_db, job->data, &error);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (job->result_free == NULL)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_pointer (task, result, job->result_free);

  /* Batches queue up behind each other (an archive catch-up is many
   * pages), and SQLite's lock has no queue: the worker would take it again
   * at once and starve a waiting main-thread write, such as a message the
   * user just sent.  If the main connection is waiting, step aside long
   * enough for its busy handler to get in. */
  if (g_atomic_int_compare_and_exchange (&self->main_waiting, TRUE, FALSE))
    g_usleep (MAIN_POLL_US * 5);
}

/**
 * natter_store_run_job:
 * @self: a store
 * @source_tag: the `_async` function, for g_task_is_valid()
 * @func: the work, run on the worker thread with the worker connection
 * @data: (transfer full): its argument
 * @data_free: (nullable): frees @data
 * @result_free: (nullable): frees the result; %NULL for a boolean job
 * @cancellable: (nullable): cancels the job if it has not started
 * @callback: called on the caller's thread-default main context
 * @user_data: for @callback
 *
 * Queues @func on the worker thread.  Jobs run one at a time, in order.
 * A job that has started always completes: a batch is one transaction, and
 * cancelling it half-way would only waste it.
 */
void
natter_store_run_job (NatterStore         *self,
                      gpointer             source_tag,
                      NatterStoreJobFunc   func,
                      gpointer             data,
                      GDestroyNotify       data_free,
                      GDestroyNotify       result_free,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_assert (NATTER_IS_STORE (self));
  g_assert (self->worker != NULL);

  job = g_new0 (Job, 1);
  job->func = func;
  job->data = data;
  job->data_free = data_free;
  job->result_free = result_free;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, job, job_free);
  /* The worker never fails to accept work: the pool is exclusive and
   * unbounded in length. */
  g_thread_pool_push (self->worker, g_steal_pointer (&task), NULL);
}

/**
 * natter_store_lock_db:
 * @self: an open store
 * @locker: (out): receives the lock; free it (g_autoptr(GMutexLocker)) to release
 *
 * Returns: (transfer none): the main connection, locked for the caller
 */
NatterStoreDb *
natter_store_lock_db (NatterStore   *self,
                      GMutexLocker **locker)
{
  *locker = g_mutex_locker_new (&self->lock);
  return self->db;
}

/**
 * natter_store_get_sqlite:
 * @self: an open store
 *
 * For tests only: the main connection's handle, to run raw SQL on.  Do not
 * use it while another thread uses the store.
 *
 * Returns: (transfer none): the handle
 */
sqlite3 *
natter_store_get_sqlite (NatterStore *self)
{
  g_return_val_if_fail (NATTER_IS_STORE (self), NULL);
  g_return_val_if_fail (self->db != NULL, NULL);

  return self->db->handle;
}

static gboolean
natter_store_initable_init (GInitable     *initable,
                            GCancellable  *cancellable,
                            GError       **error)
{
  NatterStore *self = NATTER_STORE (initable);
  g_autofree char *dir = NULL;
  g_autoptr(GError) local_error = NULL;

  if (self->path == NULL)
    self->path = natter_store_dup_default_path ();

  /* Look before writing anything: a newer or foreign database must stay
   * exactly as it is, and opening read-write would already switch its
   * journal mode. */
  if (!natter_store_schema_probe (self->path, error))
    return FALSE;

  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_CANNOT_OPEN,
                   _("Could not create the folder “%s”: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  self->db = natter_store_db_open (self->path, error);
  if (self->db == NULL)
    return FALSE;

  if (!natter_store_schema_migrate (self->db, self->path, error))
    {
      g_clear_pointer (&self->db, natter_store_db_free);
      return FALSE;
    }
  sqlite3_busy_handler (self->db->handle, main_busy_cb, self);

  self->worker = g_thread_pool_new (worker_run, self, 1, TRUE, &local_error);
  if (self->worker == NULL)
    {
      g_set_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_FAILED,
                   _("Could not start the database thread: %s"), local_error->message);
      g_clear_pointer (&self->db, natter_store_db_free);
      return FALSE;
    }

  return TRUE;
}

static void
natter_store_initable_iface_init (GInitableIface *iface)
{
  iface->init = natter_store_initable_init;
}

static void
natter_store_dispose (GObject *object)
{
  natter_store_close (NATTER_STORE (object));

  G_OBJECT_CLASS (natter_store_parent_class)->dispose (object);
}

static void
natter_store_finalize (GObject *object)
{
  NatterStore *self = NATTER_STORE (object);

  g_free (self->path);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (natter_store_parent_class)->finalize (object);
}

static void
natter_store_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  NatterStore *self = NATTER_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
natter_store_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  NatterStore *self = NATTER_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
natter_store_class_init (NatterStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = natter_store_dispose;
  object_class->finalize = natter_store_finalize;
  object_class->get_property = natter_store_get_property;
  object_class->set_property = natter_store_set_property;

  /**
   * NatterStore:path:
   *
   * The database file.  %NULL at construction means the default,
   * natter_store_dup_default_path().
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
natter_store_init (NatterStore *self)
{
  g_mutex_init (&self->lock);
}

/**
 * natter_store_dup_default_path:
 *
 * Returns: (transfer full): `$XDG_DATA_HOME/natter/natter.db`
 */
char *
natter_store_dup_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "natter", "natter.db", NULL);
}

/**
 * natter_store_open:
 * @path: (nullable): the database file, or %NULL for the default
 * @error: return location for a #GError
 *
 * Opens the database, creating it and its folder if needed, and upgrades
 * its schema.
 *
 * A file that is not a Natter database fails with
 * %NATTER_STORE_ERROR_CORRUPT, one written by a newer Natter with
 * %NATTER_STORE_ERROR_TOO_NEW; either is left byte for byte as it was.
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
NatterStore *
natter_store_open (const char  *path,
                   GError     **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_initable_new (NATTER_TYPE_STORE, NULL, error, "path", path, NULL);
}

/**
 * natter_store_close:
 * @self: a store
 *
 * Finishes the queued `_async` work (their callbacks still run, on their
 * main contexts), then closes both connections.  Nothing may be called on
 * the store afterwards except natter_store_get_path().  Closing twice is
 * harmless; dispose closes too.
 */
void
natter_store_close (NatterStore *self)
{
  g_return_if_fail (NATTER_IS_STORE (self));

  /* Let queued batches commit: they hold messages nobody else has. */
  if (self->worker != NULL)
    g_thread_pool_free (g_steal_pointer (&self->worker), FALSE, TRUE);
  g_clear_pointer (&self->worker_db, natter_store_db_free);

  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->db, natter_store_db_free);
  g_mutex_unlock (&self->lock);
}

/**
 * natter_store_get_path:
 * @self: a store
 *
 * Returns: the database file
 */
const char *
natter_store_get_path (NatterStore *self)
{
  g_return_val_if_fail (NATTER_IS_STORE (self), NULL);

  return self->path;
}
