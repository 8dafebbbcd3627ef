/* natter-secret.h: account passwords in the Secret Service
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void      natter_secret_store_async   (const char           *jid,
                                       const char           *password,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
gboolean  natter_secret_store_finish  (GAsyncResult         *result,
                                       GError              **error);
void      natter_secret_lookup_async  (const char           *jid,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
char     *natter_secret_lookup_finish (GAsyncResult         *result,
                                       GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void      natter_secret_clear_async   (const char           *jid,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
gboolean  natter_secret_clear_finish  (GAsyncResult         *result,
                                       GError              **error);
void      natter_secret_free          (char                 *password);

G_END_DECLS
