/* core.h: the public interface of the application model (src/core)
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "core/natter-error.h"
#include "core/natter-secret.h"
