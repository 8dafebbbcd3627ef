/* natter-account-list.h: every account, as a list model
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "store/store.h"

#include "natter-core-types.h"

G_BEGIN_DECLS

/**
 * NatterAccountOptions:
 * @resource: (nullable): the resource to bind, %NULL for a new default one
 * @display_name: (nullable): a name for the account
 * @host: (nullable): a host to connect to instead of looking up the
 *   domain's SRV records
 * @port: the port on @host, 0 for the default
 * @direct_tls: whether TLS starts at once on @host (XEP-0368)
 * @pinned_certificate: (nullable): the SHA-256 fingerprint of a
 *   certificate to accept although it fails validation, as 64 hex digits,
 *   optionally grouped with colons or spaces
 *
 * The optional settings of a new account.  A zeroed struct means the
 * defaults.
 */
typedef struct
{
  const char *resource;
  const char *display_name;
  const char *host;
  guint16     port;
  gboolean    direct_tls;
  const char *pinned_certificate;
} NatterAccountOptions;

#define NATTER_TYPE_ACCOUNT_LIST (natter_account_list_get_type ())

G_DECLARE_FINAL_TYPE (NatterAccountList, natter_account_list, NATTER, ACCOUNT_LIST, GObject)

NatterAccountList *natter_account_list_new            (NatterStore                 *store,
                                                       GError                     **error)
                   G_GNUC_WARN_UNUSED_RESULT;
NatterAccountList *natter_account_list_new_default    (GError                     **error)
                   G_GNUC_WARN_UNUSED_RESULT;
NatterStore       *natter_account_list_get_store      (NatterAccountList           *self);
NatterAccount     *natter_account_list_lookup         (NatterAccountList           *self,
                                                       const char                  *jid);
void               natter_account_list_connect_all    (NatterAccountList           *self);
void               natter_account_list_disconnect_all (NatterAccountList           *self);
void               natter_account_list_set_presence   (NatterAccountList           *self,
                                                       NatterPresenceShow           show,
                                                       const char                  *status);

void               natter_account_list_add_async      (NatterAccountList           *self,
                                                       const char                  *jid,
                                                       const char                  *password,
                                                       const NatterAccountOptions  *options,
                                                       GCancellable                *cancellable,
                                                       GAsyncReadyCallback          callback,
                                                       gpointer                     user_data);
NatterAccount     *natter_account_list_add_finish     (NatterAccountList           *self,
                                                       GAsyncResult                *result,
                                                       GError                     **error)
                   G_GNUC_WARN_UNUSED_RESULT;
void               natter_account_list_remove_async   (NatterAccountList           *self,
                                                       NatterAccount               *account,
                                                       GCancellable                *cancellable,
                                                       GAsyncReadyCallback          callback,
                                                       gpointer                     user_data);
gboolean           natter_account_list_remove_finish  (NatterAccountList           *self,
                                                       GAsyncResult                *result,
                                                       GError                     **error);

G_END_DECLS
