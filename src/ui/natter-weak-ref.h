/* natter-weak-ref.h: weak references for the callbacks of windows
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An async callback must not keep a window alive: a window closed
 * meanwhile would be disposed only when the callback lets go of it, after
 * its transient parent may be gone.  Callbacks get a weak reference
 * instead and act only if the window is still there.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

static inline GWeakRef *
natter_weak_ref_new (gpointer object)
{
  GWeakRef *ref = g_new (GWeakRef, 1);

  g_weak_ref_init (ref, object);
  return ref;
}

/* Frees @ref; returns a strong reference to its object, or %NULL if the
 * object is gone. */
static inline gpointer
natter_weak_ref_free (GWeakRef *ref)
{
  gpointer object = g_weak_ref_get (ref);

  g_weak_ref_clear (ref);
  g_free (ref);
  return object;
}

G_END_DECLS
