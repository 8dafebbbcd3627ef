/* natter-test-notifications.h: a desktop notification server that records
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _NatterTestNotifications NatterTestNotifications;

NatterTestNotifications *natter_test_notifications_start  (void);
void                     natter_test_notifications_free   (NatterTestNotifications *self);
gboolean                 natter_test_notifications_lookup (NatterTestNotifications *self,
                                                           const char              *summary_part,
                                                           char                   **body);
guint                    natter_test_notifications_count  (NatterTestNotifications *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NatterTestNotifications, natter_test_notifications_free)

G_END_DECLS
