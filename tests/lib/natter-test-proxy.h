/* natter-test-proxy.h: a TCP relay the tests can cut, like a bad network
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _NatterTestProxy NatterTestProxy;

NatterTestProxy *natter_test_proxy_new            (guint16           target_port,
                                                   GError          **error);
void             natter_test_proxy_free           (NatterTestProxy  *self);
guint16          natter_test_proxy_get_port       (NatterTestProxy  *self);
guint            natter_test_proxy_cut            (NatterTestProxy  *self);
void             natter_test_proxy_set_refusing   (NatterTestProxy  *self,
                                                   gboolean          refusing);
guint            natter_test_proxy_get_accepted   (NatterTestProxy  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NatterTestProxy, natter_test_proxy_free)

G_END_DECLS
