/* natter-resource.h: one online device of a contact
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "natter-core-types.h"

G_BEGIN_DECLS

#define NATTER_TYPE_RESOURCE (natter_resource_get_type ())

G_DECLARE_FINAL_TYPE (NatterResource, natter_resource, NATTER, RESOURCE, GObject)

const char         *natter_resource_get_jid      (NatterResource *self);
const char         *natter_resource_get_resource (NatterResource *self);
NatterPresenceShow  natter_resource_get_show     (NatterResource *self);
const char         *natter_resource_get_status   (NatterResource *self);
int                 natter_resource_get_priority (NatterResource *self);

G_END_DECLS
