/* natter-secret.c: account passwords in the Secret Service
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Passwords never touch the database or a log: they live in the Secret
 * Service (gnome-keyring, KWallet, KeePassXC) under the schema
 * `im.natter.Natter.Account`, keyed by the account's bare JID.  When no
 * Secret Service answers, every call fails with
 * %NATTER_ERROR_NO_SECRET_SERVICE so the account can ask the user instead.
 */
#include "config.h"

#include "natter-secret.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

#include "natter-error.h"

G_DEFINE_QUARK (natter-error-quark, natter_error)

static const SecretSchema *
account_schema (void)
{
  static const SecretSchema schema = {
    APP_ID ".Account", SECRET_SCHEMA_NONE,
    {
      { "jid", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

/* Any D-Bus level failure means there is no usable Secret Service; the
 * account then asks for the password and says why. */
static void
return_error (GTask  *task,
              GError *error)
{
  if (error->domain == G_DBUS_ERROR ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_FAILED) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    {
      g_debug ("Secret Service unavailable: %s", error->message);
      g_task_return_new_error (task, NATTER_ERROR, NATTER_ERROR_NO_SECRET_SERVICE,
                               _("No keyring (Secret Service) is running, so the password cannot be saved"));
      g_error_free (error);
      return;
    }

  g_task_return_error (task, error);
}

static void
store_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * natter_secret_store_async:
 * @jid: the account's bare JID
 * @password: the password to keep
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Stores (or replaces) the password of an account in the default keyring.
 */
void
natter_secret_store_async (const char          *jid,
                           const char          *password,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *label = NULL;

  g_return_if_fail (jid != NULL);
  g_return_if_fail (password != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, natter_secret_store_async);
  /* TRANSLATORS: the label of a password in the keyring; %s is a JID */
  label = g_strdup_printf (_("Natter password for %s"), jid);
  secret_password_store (account_schema (), SECRET_COLLECTION_DEFAULT, label, password,
                         cancellable, store_cb, g_steal_pointer (&task),
                         "jid", jid,
                         NULL);
}

/**
 * natter_secret_store_finish:
 * @result: the result passed to the callback
 * @error: return location for an error
 *
 * Returns: %TRUE if the password was stored
 */
gboolean
natter_secret_store_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *password;

  password = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    return_error (task, error);
  else
    g_task_return_pointer (task, password, (GDestroyNotify) secret_password_free);
}

/**
 * natter_secret_lookup_async:
 * @jid: the account's bare JID
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Looks up the password of an account.
 */
void
natter_secret_lookup_async (const char          *jid,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (jid != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, natter_secret_lookup_async);
  secret_password_lookup (account_schema (), cancellable, lookup_cb, g_steal_pointer (&task),
                          "jid", jid,
                          NULL);
}

/**
 * natter_secret_lookup_finish:
 * @result: the result passed to the callback
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the password, to be freed with
 *   natter_secret_free(), or %NULL with no error set if none is stored
 */
char *
natter_secret_lookup_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
clear_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* Clearing a password that is not there is not an error. */
  secret_password_clear_finish (result, &error);
  if (error != NULL)
    return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * natter_secret_clear_async:
 * @jid: the account's bare JID
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Removes the password of an account from the keyring.
 */
void
natter_secret_clear_async (const char          *jid,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (jid != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, natter_secret_clear_async);
  secret_password_clear (account_schema (), cancellable, clear_cb, g_steal_pointer (&task),
                         "jid", jid,
                         NULL);
}

/**
 * natter_secret_clear_finish:
 * @result: the result passed to the callback
 * @error: return location for an error
 *
 * Returns: %TRUE if no password for the account remains
 */
gboolean
natter_secret_clear_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * natter_secret_free:
 * @password: (nullable): a password from natter_secret_lookup_finish()
 *
 * Wipes and frees a password.
 */
void
natter_secret_free (char *password)
{
  secret_password_free (password);
}
