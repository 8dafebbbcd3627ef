/* natter-roster.h: the contacts of one account as a list model
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "natter-core-types.h"

G_BEGIN_DECLS

#define NATTER_TYPE_ROSTER (natter_roster_get_type ())

G_DECLARE_FINAL_TYPE (NatterRoster, natter_roster, NATTER, ROSTER, GObject)

NatterAccount *natter_roster_get_account            (NatterRoster         *self);
NatterContact *natter_roster_lookup                 (NatterRoster         *self,
                                                     const char           *jid);

void           natter_roster_add_contact_async      (NatterRoster         *self,
                                                     const char           *jid,
                                                     const char           *name,
                                                     const char * const   *groups,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean       natter_roster_add_contact_finish     (NatterRoster         *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
void           natter_roster_rename_contact_async   (NatterRoster         *self,
                                                     NatterContact        *contact,
                                                     const char           *name,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean       natter_roster_rename_contact_finish  (NatterRoster         *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
void           natter_roster_remove_contact_async   (NatterRoster         *self,
                                                     NatterContact        *contact,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean       natter_roster_remove_contact_finish  (NatterRoster         *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
gboolean       natter_roster_approve                (NatterRoster         *self,
                                                     NatterContact        *contact,
                                                     GError              **error);
gboolean       natter_roster_deny                   (NatterRoster         *self,
                                                     NatterContact        *contact,
                                                     GError              **error);

void           natter_roster_block_async            (NatterRoster         *self,
                                                     const char           *jid,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean       natter_roster_block_finish           (NatterRoster         *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
void           natter_roster_unblock_async          (NatterRoster         *self,
                                                     const char           *jid,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean       natter_roster_unblock_finish         (NatterRoster         *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
gboolean       natter_roster_is_blocked             (NatterRoster         *self,
                                                     const char           *jid);

G_END_DECLS
