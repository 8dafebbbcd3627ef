/* natter-account-list.c: every account, as a list model
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "natter-account-list.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "store/store.h"
#include "xmpp/xmpp.h"

#include "natter-account-list-private.h"
#include "natter-account-private.h"
#include "natter-account.h"
#include "natter-error.h"
#include "natter-secret.h"

/**
 * NatterAccountList:
 *
 * The accounts of the store, a #GListModel of #NatterAccount in the order
 * they were added.
 *
 * Creating the list loads the accounts without connecting them, so the
 * application can bind to them first; natter_account_list_connect_all()
 * connects the enabled ones.  Accounts are added and removed through the
 * list, which keeps the store, the Secret Service and the model in step.
 */
struct _NatterAccountList
{
  GObject       parent_instance;

  NatterStore  *store;
  GPtrArray    *accounts;     /* NatterAccount * */
  GHashTable   *adding;       /* bare JIDs being added */
  GTlsDatabase *tls_database;
};

static void natter_account_list_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (NatterAccountList, natter_account_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      natter_account_list_list_model_init))

enum {
  PROP_0,
  PROP_STORE,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
natter_account_list_get_item_type (GListModel *model)
{
  return NATTER_TYPE_ACCOUNT;
}

static guint
natter_account_list_get_n_items (GListModel *model)
{
  return NATTER_ACCOUNT_LIST (model)->accounts->len;
}

static gpointer
natter_account_list_get_item (GListModel *model,
                              guint       position)
{
  NatterAccountList *self = NATTER_ACCOUNT_LIST (model);

  if (position >= self->accounts->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->accounts, position));
}

static void
natter_account_list_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = natter_account_list_get_item_type;
  iface->get_n_items = natter_account_list_get_n_items;
  iface->get_item = natter_account_list_get_item;
}

static void
natter_account_list_dispose (GObject *object)
{
  NatterAccountList *self = NATTER_ACCOUNT_LIST (object);

  if (self->accounts != NULL)
    g_ptr_array_set_size (self->accounts, 0);
  g_clear_object (&self->tls_database);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (natter_account_list_parent_class)->dispose (object);
}

static void
natter_account_list_finalize (GObject *object)
{
  NatterAccountList *self = NATTER_ACCOUNT_LIST (object);

  g_clear_pointer (&self->accounts, g_ptr_array_unref);
  g_clear_pointer (&self->adding, g_hash_table_unref);

  G_OBJECT_CLASS (natter_account_list_parent_class)->finalize (object);
}

static void
natter_account_list_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  NatterAccountList *self = NATTER_ACCOUNT_LIST (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_N_ITEMS:
      g_value_set_uint (value, self->accounts->len);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
natter_account_list_class_init (NatterAccountListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = natter_account_list_dispose;
  object_class->finalize = natter_account_list_finalize;
  object_class->get_property = natter_account_list_get_property;

  /**
   * NatterAccountList:store:
   *
   * The store the accounts live in.
   */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         NATTER_TYPE_STORE,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterAccountList:n-items:
   *
   * The number of accounts.
   */
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
natter_account_list_init (NatterAccountList *self)
{
  self->accounts = g_ptr_array_new_with_free_func (g_object_unref);
  self->adding = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * natter_account_list_new:
 * @store: the store
 * @error: return location for a #GError
 *
 * Loads the accounts of @store, in the order they were added, with their
 * cached rosters.  None connects yet.
 *
 * Returns: (transfer full): the list, or %NULL if the store cannot be read
 */
NatterAccountList *
natter_account_list_new (NatterStore  *store,
                         GError      **error)
{
  g_autoptr(NatterAccountList) self = NULL;
  g_autoptr(GPtrArray) records = NULL;

  g_return_val_if_fail (NATTER_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  records = natter_store_list_accounts (store, error);
  if (records == NULL)
    return NULL;

  self = g_object_new (NATTER_TYPE_ACCOUNT_LIST, NULL);
  self->store = g_object_ref (store);
  for (guint i = 0; i < records->len; i++)
    {
      NatterStoreAccount *record = g_ptr_array_index (records, i);
      g_autoptr(GError) local_error = NULL;
      NatterAccount *account;

      account = natter_account_new (store, record, &local_error);
      if (account == NULL)
        {
          g_warning ("Skipping the stored account %s: %s", record->jid, local_error->message);
          continue;
        }
      g_ptr_array_add (self->accounts, account);
    }

  return g_steal_pointer (&self);
}

/**
 * natter_account_list_set_tls_database:
 * @self: an account list
 * @database: (nullable): a trust store, %NULL for the system's
 *
 * For tests: makes every account, present and future, check server
 * certificates against @database.
 */
void
natter_account_list_set_tls_database (NatterAccountList *self,
                                      GTlsDatabase      *database)
{
  g_return_if_fail (NATTER_IS_ACCOUNT_LIST (self));

  g_set_object (&self->tls_database, database);
  for (guint i = 0; i < self->accounts->len; i++)
    natter_account_set_tls_database (g_ptr_array_index (self->accounts, i), database);
}

/**
 * natter_account_list_new_default:
 * @error: return location for an error
 *
 * Opens the user's database (`$XDG_DATA_HOME/natter/natter.db`) and loads
 * its accounts: what the application starts with.  The database closes,
 * its queued writes done, when the list and its accounts are released.
 *
 * Returns: (transfer full): the list, or %NULL if the database cannot be
 *   opened (a newer version, damaged, no space), with the reason in @error
 */
NatterAccountList *
natter_account_list_new_default (GError **error)
{
  g_autoptr(NatterStore) store = NULL;
  NatterAccountList *self;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  store = natter_store_open (NULL, error);
  if (store == NULL)
    return NULL;
  self = natter_account_list_new (store, error);
  if (self == NULL)
    natter_store_close (store);
  return self;
}

/**
 * natter_account_list_get_store:
 * @self: an account list
 *
 * Returns: (transfer none): the store
 */
NatterStore *
natter_account_list_get_store (NatterAccountList *self)
{
  g_return_val_if_fail (NATTER_IS_ACCOUNT_LIST (self), NULL);

  return self->store;
}

/**
 * natter_account_list_lookup:
 * @self: an account list
 * @jid: a JID; only its bare part counts
 *
 * Returns: (transfer none) (nullable): the account of @jid, or %NULL
 */
NatterAccount *
natter_account_list_lookup (NatterAccountList *self,
                            const char        *jid)
{
  g_autoptr(XmppJid) parsed = NULL;

  g_return_val_if_fail (NATTER_IS_ACCOUNT_LIST (self), NULL);
  g_return_val_if_fail (jid != NULL, NULL);

  parsed = xmpp_jid_new (jid, NULL);
  if (parsed == NULL)
    return NULL;
  for (guint i = 0; i < self->accounts->len; i++)
    {
      NatterAccount *account = g_ptr_array_index (self->accounts, i);

      if (strcmp (natter_account_get_jid (account), xmpp_jid_to_bare_string (parsed)) == 0)
        return account;
    }
  return NULL;
}

/**
 * natter_account_list_connect_all:
 * @self: an account list
 *
 * Connects every enabled account whose presence is not offline.
 */
void
natter_account_list_connect_all (NatterAccountList *self)
{
  g_return_if_fail (NATTER_IS_ACCOUNT_LIST (self));

  for (guint i = 0; i < self->accounts->len; i++)
    natter_account_connect (g_ptr_array_index (self->accounts, i));
}

/**
 * natter_account_list_disconnect_all:
 * @self: an account list
 *
 * Disconnects every account cleanly, e.g. when Natter quits.  Nothing
 * about the accounts changes.
 */
void
natter_account_list_disconnect_all (NatterAccountList *self)
{
  g_return_if_fail (NATTER_IS_ACCOUNT_LIST (self));

  for (guint i = 0; i < self->accounts->len; i++)
    natter_account_disconnect (g_ptr_array_index (self->accounts, i));
}

/**
 * natter_account_list_set_presence:
 * @self: an account list
 * @show: our availability; %NATTER_PRESENCE_SHOW_OFFLINE disconnects
 * @status: (nullable): a status message
 *
 * Sets our own presence on every account at once; see
 * natter_account_set_presence().
 */
void
natter_account_list_set_presence (NatterAccountList  *self,
                                  NatterPresenceShow  show,
                                  const char         *status)
{
  g_return_if_fail (NATTER_IS_ACCOUNT_LIST (self));
  g_return_if_fail (show <= NATTER_PRESENCE_SHOW_DND);

  for (guint i = 0; i < self->accounts->len; i++)
    natter_account_set_presence (g_ptr_array_index (self->accounts, i), show, status);
}

/* ------------------------------------------------------------------------
 * Adding
 * ------------------------------------------------------------------------ */

typedef struct
{
  NatterStoreAccount *record;
  char               *password;
  gboolean            password_saved;
} AddData;

static void
add_data_free (AddData *data)
{
  g_clear_pointer (&data->record, natter_store_account_unref);
  if (data->password != NULL)
    memset (data->password, 0, strlen (data->password));
  g_clear_pointer (&data->password, g_free);
  g_free (data);
}

/**
 * natter_account_list_normalize_fingerprint:
 * @text: a SHA-256 fingerprint as the user typed it
 *
 * Returns: (transfer full) (nullable): 64 lowercase hex digits, or %NULL
 *   if @text is not a SHA-256 fingerprint
 */
char *
natter_account_list_normalize_fingerprint (const char *text)
{
  g_autoptr(GString) hex = g_string_sized_new (64);

  g_return_val_if_fail (text != NULL, NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == ':' || *p == ' ')
        continue;
      if (!g_ascii_isxdigit (*p))
        return NULL;
      g_string_append_c (hex, g_ascii_tolower (*p));
    }
  if (hex->len != 64)
    return NULL;
  return g_string_free (g_steal_pointer (&hex), FALSE);
}

/* Checks everything the user typed and makes the row to store, before
 * anything is stored anywhere. */
static NatterStoreAccount *
validate (NatterAccountList           *self,
          const char                  *jid,
          const char                  *password,
          const NatterAccountOptions  *options,
          GError                     **error)
{
  g_autoptr(NatterStoreAccount) record = natter_store_account_new ();
  g_autoptr(XmppJid) parsed = NULL;
  g_autoptr(XmppJid) full = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (jid));
  g_autofree char *generated = NULL;
  const char *resource = options->resource;

  parsed = xmpp_jid_new (trimmed, &local_error);
  if (parsed == NULL)
    {
      g_set_error (error, NATTER_ERROR, NATTER_ERROR_INVALID_JID,
                   _("“%s” is not a valid address: %s"), trimmed, local_error->message);
      return NULL;
    }
  if (xmpp_jid_get_localpart (parsed) == NULL)
    {
      g_set_error (error, NATTER_ERROR, NATTER_ERROR_INVALID_JID,
                   _("“%s” is not an account address; it has the form name@example.org"),
                   trimmed);
      return NULL;
    }
  if (natter_account_list_lookup (self, xmpp_jid_to_bare_string (parsed)) != NULL ||
      g_hash_table_contains (self->adding, xmpp_jid_to_bare_string (parsed)))
    {
      g_set_error (error, NATTER_ERROR, NATTER_ERROR_EXISTS,
                   _("The account %s is set up already"), xmpp_jid_to_bare_string (parsed));
      return NULL;
    }
  if (password == NULL || password[0] == '\0')
    {
      g_set_error_literal (error, NATTER_ERROR, NATTER_ERROR_NO_PASSWORD,
                           _("Enter the account’s password"));
      return NULL;
    }

  /* A resource typed as part of the address counts, unless one was
   * given on its own. */
  if (resource == NULL || resource[0] == '\0')
    resource = xmpp_jid_get_resourcepart (parsed);
  if (resource == NULL || resource[0] == '\0')
    resource = generated = natter_account_generate_resource ();
  full = xmpp_jid_dup_with_resource (parsed, resource, &local_error);
  if (full == NULL)
    {
      g_set_error (error, NATTER_ERROR, NATTER_ERROR_INVALID_SETTING,
                   _("“%s” cannot be used as a resource: %s"), resource, local_error->message);
      return NULL;
    }

  if (options->host != NULL && options->host[0] != '\0')
    {
      if (!natter_account_validate_host (options->host, error))
        return NULL;
      record->host = g_strdup (options->host);
      record->port = options->port;
      record->direct_tls = !!options->direct_tls;
    }

  if (options->pinned_certificate != NULL && options->pinned_certificate[0] != '\0')
    {
      g_autofree char *fingerprint =
        natter_account_list_normalize_fingerprint (options->pinned_certificate);

      if (fingerprint == NULL)
        {
          g_set_error (error, NATTER_ERROR, NATTER_ERROR_INVALID_SETTING,
                       _("“%s” is not a SHA-256 fingerprint (64 hexadecimal digits)"),
                       options->pinned_certificate);
          return NULL;
        }
      record->pinned_certificates = g_new0 (char *, 2);
      record->pinned_certificates[0] = g_steal_pointer (&fingerprint);
    }

  record->jid = g_strdup (xmpp_jid_to_bare_string (parsed));
  record->resource = g_strdup (xmpp_jid_get_resourcepart (full));
  if (options->display_name != NULL && options->display_name[0] != '\0')
    record->display_name = g_strdup (options->display_name);
  record->enabled = TRUE;
  return g_steal_pointer (&record);
}

static void
forget_password_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!natter_secret_clear_finish (result, &error))
    g_debug ("Could not remove a password from the keyring: %s", error->message);
}

static void
add_store_password_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  NatterAccountList *self = g_task_get_source_object (task);
  AddData *data = g_task_get_task_data (task);
  g_autoptr(NatterAccount) account = NULL;
  g_autoptr(GError) error = NULL;

  if (natter_secret_store_finish (result, &error))
    data->password_saved = TRUE;
  else if (!g_error_matches (error, NATTER_ERROR, NATTER_ERROR_NO_SECRET_SERVICE))
    {
      /* Without a Secret Service the account still works, asking for the
       * password each time; any other failure stops the adding. */
      g_hash_table_remove (self->adding, data->record->jid);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_clear_error (&error);

  g_hash_table_remove (self->adding, data->record->jid);
  if (!natter_store_add_account (self->store, data->record, &error) ||
      (account = natter_account_new (self->store, data->record, &error)) == NULL)
    {
      if (data->password_saved)
        natter_secret_clear_async (data->record->jid, NULL, forget_password_cb, NULL);
      if (data->record->id > 0)
        natter_store_remove_account (self->store, data->record->id, NULL);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (self->tls_database != NULL)
    natter_account_set_tls_database (account, self->tls_database);
  g_ptr_array_add (self->accounts, g_object_ref (account));
  g_list_model_items_changed (G_LIST_MODEL (self), self->accounts->len - 1, 0, 1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);

  if (data->password_saved)
    natter_account_connect (account);
  else
    natter_account_set_password_for_session (account, data->password);

  g_task_return_pointer (task, g_steal_pointer (&account), g_object_unref);
}

/**
 * natter_account_list_add_async:
 * @self: an account list
 * @jid: the account's address, as the user typed it
 * @password: its password
 * @options: (nullable): further settings
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Adds an account: checks the address and the settings, stores the
 * password in the Secret Service and the account in the store, appends
 * it to the list and connects it.
 *
 * Nothing is stored if the address is not valid
 * (%NATTER_ERROR_INVALID_JID), the account exists (%NATTER_ERROR_EXISTS),
 * the password is empty (%NATTER_ERROR_NO_PASSWORD) or a setting is not
 * valid (%NATTER_ERROR_INVALID_SETTING).  Without a Secret Service the
 * account is added all the same and uses the password for this session.
 */
void
natter_account_list_add_async (NatterAccountList          *self,
                               const char                 *jid,
                               const char                 *password,
                               const NatterAccountOptions *options,
                               GCancellable               *cancellable,
                               GAsyncReadyCallback         callback,
                               gpointer                    user_data)
{
  static const NatterAccountOptions defaults = { NULL, };
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  AddData *data;

  g_return_if_fail (NATTER_IS_ACCOUNT_LIST (self));
  g_return_if_fail (jid != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, natter_account_list_add_async);

  data = g_new0 (AddData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) add_data_free);
  data->record = validate (self, jid, password, options != NULL ? options : &defaults, &error);
  if (data->record == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  data->password = g_strdup (password);

  g_hash_table_add (self->adding, g_strdup (data->record->jid));
  natter_secret_store_async (data->record->jid, password, cancellable,
                             add_store_password_cb, g_steal_pointer (&task));
}

/**
 * natter_account_list_add_finish:
 * @self: an account list
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the new account, or %NULL with @error set
 */
NatterAccount *
natter_account_list_add_finish (NatterAccountList  *self,
                                GAsyncResult       *result,
                                GError            **error)
{
  g_return_val_if_fail (NATTER_IS_ACCOUNT_LIST (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------
 * Removing
 * ------------------------------------------------------------------------ */

static void
remove_clear_password_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* Without a Secret Service there is no password to remove. */
  if (!natter_secret_clear_finish (result, &error) &&
      !g_error_matches (error, NATTER_ERROR, NATTER_ERROR_NO_SECRET_SERVICE))
    {
      NatterAccount *account = g_task_get_task_data (task);
      GError *reported;

      reported = g_error_new (NATTER_ERROR, NATTER_ERROR_FAILED,
                              _("The account %s was removed, but its password could not be "
                                "removed from the keyring: %s"),
                              natter_account_get_jid (account), error->message);
      g_error_free (error);
      g_task_return_error (task, reported);
      return;
    }
  g_clear_error (&error);
  g_task_return_boolean (task, TRUE);
}

static void
remove_store_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  NatterAccountList *self = g_task_get_source_object (task);
  NatterAccount *account = g_task_get_task_data (task);
  GCancellable *cancellable;
  GError *error = NULL;
  guint position;

  if (!natter_store_remove_account_finish (NATTER_STORE (object), result, &error))
    {
      natter_account_set_removing (account, FALSE);
      g_task_return_error (task, error);
      return;
    }

  if (g_ptr_array_find (self->accounts, account, &position))
    {
      g_ptr_array_remove_index (self->accounts, position);
      g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
    }

  cancellable = g_task_get_cancellable (task);
  natter_secret_clear_async (natter_account_get_jid (account), cancellable,
                             remove_clear_password_cb, g_steal_pointer (&task));
}

/**
 * natter_account_list_remove_async:
 * @self: an account list
 * @account: an account of the list
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Removes an account for good: disconnects it, deletes everything the
 * store holds of it (in one transaction), takes it out of the list, and
 * removes its password from the Secret Service.  Ask the user first.
 */
void
natter_account_list_remove_async (NatterAccountList   *self,
                                  NatterAccount       *account,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (NATTER_IS_ACCOUNT_LIST (self));
  g_return_if_fail (NATTER_IS_ACCOUNT (account));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, natter_account_list_remove_async);
  g_task_set_task_data (task, g_object_ref (account), g_object_unref);

  if (!g_ptr_array_find (self->accounts, account, NULL))
    {
      g_task_return_new_error (task, NATTER_ERROR, NATTER_ERROR_FAILED,
                               _("The account %s is not set up"), natter_account_get_jid (account));
      return;
    }

  natter_account_set_removing (account, TRUE);
  natter_store_remove_account_async (self->store, natter_account_get_id (account), cancellable,
                                     remove_store_cb, g_steal_pointer (&task));
}

/**
 * natter_account_list_remove_finish:
 * @self: an account list
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the account and everything of it is gone
 */
gboolean
natter_account_list_remove_finish (NatterAccountList  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  g_return_val_if_fail (NATTER_IS_ACCOUNT_LIST (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
