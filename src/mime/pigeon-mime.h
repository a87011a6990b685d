/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "pigeon-mime-address.h"
#include "pigeon-mime-builder.h"
#include "pigeon-mime-charset.h"
#include "pigeon-mime-codec.h"
#include "pigeon-mime-date.h"
#include "pigeon-mime-header.h"
#include "pigeon-mime-limits.h"
#include "pigeon-mime-mbox.h"
#include "pigeon-mime-message.h"
#include "pigeon-mime-part.h"
#include "pigeon-mime-partial.h"
