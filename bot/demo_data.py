"""The bundled demo data set, with dates relative to the day it is loaded.

`build_demo_dataset(now)` returns a data set in format v1 (DESIGN.md section 5) whose every
date is computed from `now`, so that "delivered 10 days ago" is true whenever the demo is
loaded. Each order carries a free-text `note` saying which situation of POLICY.md (sections
A, B and C) it demonstrates; sellers carry the optional `timezone` and `addresses` fields.

Every date is `now` plus a fixed offset, with one exception: the holiday-season order is
placed on Nov 24 of the previous calendar year (the holiday return window is a calendar
rule). In January it shows the extended window (returnable until Jan 31 although delivered
more than 30 days ago); in any other month it is simply past both windows.

Pure and deterministic: no clock reads, no I/O, stdlib only.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = ["DEMO_BUYERS", "HOLIDAY_ORDER_ID", "build_demo_dataset"]

#: The one order whose dates are anchored to the calendar rather than shifted with `now`.
HOLIDAY_ORDER_ID = "114-3360917-2209841"

#: A few demo identities to try with `csba chat --from ...` (listed in the README).
DEMO_BUYERS: dict[str, str] = {
    "+15555550101": "Ana Díaz (es): one UPS parcel in transit, before its latest delivery date",
    "ana.diaz@example.com": "Ana Díaz (es) by email: the same single in-transit order",
    "+15555550102": "James Carter (en): three recent orders (unshipped kettle, charger lost "
                    "in transit 7 days past its delivery date, skillet delivered 10 days ago), "
                    "so the service asks which order",
    "james.carter@example.net": "James Carter (en) by email: the same three orders",
    "+15555550103": "Emily Nguyen (en): one FedEx parcel in transit, on time",
    "+15555550104": "María González (es): a pending order and a blanket delivered 31 days "
                    "ago (outside the 30-day return window)",
    "+15555550105": "Robert Kim (en): speaker delivered 45 days ago, a gift card (not "
                    "returnable) and a canceled order",
    "+15555550106": "David Miller (en): drill not shipped past its ship-by date, and a "
                    "Seller-Fulfilled Prime order (out of scope)",
    "+15555550107": "Sarah Johnson (en): a holiday-season order from last November and a "
                    "two-item order delivered 12 days ago (spatulas under the $10 "
                    "returnless limit, handmade mugs that are exempt)",
    "+15555550108": "Carlos Ramírez (es): tracking says delivered 2 days ago (the customer "
                    "can say it never arrived)",
    "+15555550109": "Jennifer Lee (en): perishable cheese (not returnable) and an FBA order "
                    "(out of scope)",
    "+15555550110": "Sofía Martínez (es): personalized cutting board (customized, not "
                    "returnable) and baby swaddles delivered 40 days ago (90-day window)",
    "+15555550111": "Michael Brown (en): mattress delivered 60 days ago (90-day window) and a "
                    "drill 1 day past its latest delivery date",
    "+15555550112": "Kevin Zhang (en): Chinese seller, $32.99 desk lamp delivered 5 days ago "
                    "(above $25, no US return address) and string lights in transit",
    "+15555550113": "Valentina Cruz (es): Chinese seller, $25.00 lantern delivered 4 days ago "
                    "(returnless refund limit) and an unshipped order",
    "+15555550114": "Daniel Wilson (en): order placed before the seller opted out (covered)",
    "+15555550115": "Gabriela Torres (es): order placed after the seller opted out "
                    "(not covered)",
    "+15555550116": "Thomas Anderson (en): order placed 30 minutes after the seller enrolled, "
                    "before enrollment took effect (not covered)",
    "+15555550118": "Lucía Fernández (es): parcel from China 10 days past its latest delivery "
                    "date with no delivery scan",
}

_BUYERS: dict[str, dict[str, str]] = {
    # key: buyer fields plus the ship-to postal code
    "ana": {"name": "Ana Díaz", "email": "ana.diaz@example.com", "phone": "+15555550101",
            "language": "es", "postal_code": "78701"},
    "james": {"name": "James Carter", "email": "james.carter@example.net",
              "phone": "+15555550102", "language": "en", "postal_code": "60614"},
    "emily": {"name": "Emily Nguyen", "email": "emily.nguyen@example.com",
              "phone": "+15555550103", "language": "en", "postal_code": "98103"},
    "maria": {"name": "María González", "email": "maria.gonzalez@example.net",
              "phone": "+15555550104", "language": "es", "postal_code": "33130"},
    "robert": {"name": "Robert Kim", "email": "robert.kim@example.com",
               "phone": "+15555550105", "language": "en", "postal_code": "10027"},
    "david": {"name": "David Miller", "email": "david.miller@example.net",
              "phone": "+15555550106", "language": "en", "postal_code": "80205"},
    "sarah": {"name": "Sarah Johnson", "email": "sarah.johnson@example.com",
              "phone": "+15555550107", "language": "en", "postal_code": "02139"},
    "carlos": {"name": "Carlos Ramírez", "email": "carlos.ramirez@example.com",
               "phone": "+15555550108", "language": "es", "postal_code": "85004"},
    "jennifer": {"name": "Jennifer Lee", "email": "jennifer.lee@example.net",
                 "phone": "+15555550109", "language": "en", "postal_code": "94107"},
    "sofia": {"name": "Sofía Martínez", "email": "sofia.martinez@example.com",
              "phone": "+15555550110", "language": "es", "postal_code": "90026"},
    "michael": {"name": "Michael Brown", "email": "michael.brown@example.net",
                "phone": "+15555550111", "language": "en", "postal_code": "30303"},
    "kevin": {"name": "Kevin Zhang", "email": "kevin.zhang@example.com",
              "phone": "+15555550112", "language": "en", "postal_code": "97214"},
    "valentina": {"name": "Valentina Cruz", "email": "valentina.cruz@example.net",
                  "phone": "+15555550113", "language": "es", "postal_code": "87501"},
    "daniel": {"name": "Daniel Wilson", "email": "daniel.wilson@example.com",
               "phone": "+15555550114", "language": "en", "postal_code": "55408"},
    "gabriela": {"name": "Gabriela Torres", "email": "gabriela.torres@example.net",
                 "phone": "+15555550115", "language": "es", "postal_code": "78207"},
    "thomas": {"name": "Thomas Anderson", "email": "thomas.anderson@example.com",
               "phone": "+15555550116", "language": "en", "postal_code": "19104"},
    "olivia": {"name": "Olivia Bennett", "email": "olivia.bennett@example.net",
               "phone": "+15555550117", "language": "en", "postal_code": "05401"},
    "lucia": {"name": "Lucía Fernández", "email": "lucia.fernandez@example.com",
              "phone": "+15555550118", "language": "es", "postal_code": "10453"},
}

_PRODUCTS: list[dict[str, Any]] = [
    # --- SELLER-US1: Brightside Home Goods -------------------------------------------------
    {
        "asin": "B0C4X7K2QZ", "seller_id": "SELLER-US1", "sku": "BSH-KTL-15",
        "title": "Brightside 1.5 L Electric Kettle, Stainless Steel, Auto Shut-Off",
        "category": "Kitchen",
        "bullets": [
            "Boils 1.5 liters (6 cups) of water in about 5 minutes with a 1500 W element",
            "Auto shut-off and boil-dry protection; the kettle turns off 30 seconds after boiling",
            "Food-grade 304 stainless steel interior, no plastic touches the water",
            "Cordless 360-degree base with cord storage underneath",
            "BPA-free lid with a wide opening for easy filling and cleaning",
        ],
        "description": (
            "A fast, quiet kettle for tea, pour-over coffee and instant meals. The concealed "
            "heating element is easy to wipe clean, the handle stays cool, and the blue "
            "indicator light shows when it is heating. Descale monthly with white vinegar in "
            "hard-water areas."
        ),
        "attributes": {"capacity": "1.5 L", "wattage": "1500 W", "voltage": "120 V",
                       "material": "304 stainless steel", "color": "brushed steel",
                       "cord length": "30 inches", "weight": "2.6 lb",
                       "dimensions": "9.1 x 6.3 x 9.8 inches"},
        "price": 34.99, "currency": "USD", "returnable": True,
    },
    {
        "asin": "B0B8N3VJ5T", "seller_id": "SELLER-US1", "sku": "BSH-SKL-10",
        "title": "Brightside Pre-Seasoned Cast Iron Skillet, 10 Inch",
        "category": "Kitchen",
        "bullets": [
            "Pre-seasoned with vegetable oil, ready to use out of the box",
            "Even heat retention for searing, frying, baking and braising",
            "Works on gas, electric, induction, grill and campfire; oven safe to 500°F",
            "Helper handle and two pour spouts",
        ],
        "description": (
            "A 10-inch skillet cast in one piece. Hand wash, dry right away and rub with a "
            "thin coat of oil to keep the seasoning. Not dishwasher safe."
        ),
        "attributes": {"diameter": "10 inches", "material": "cast iron", "color": "black",
                       "weight": "5.3 lb", "oven safe": "500 °F",
                       "dimensions": "16.1 x 10.4 x 2 inches"},
        "price": 27.50, "currency": "USD", "returnable": True,
    },
    {
        "asin": "B0D1RW6M8C", "seller_id": "SELLER-US1", "sku": "BSH-SPT-3PK",
        "title": "Brightside Silicone Spatula Set, 3 Pieces, Heat Resistant to 600°F",
        "category": "Kitchen",
        "bullets": [
            "Three sizes: large spatula, spoon spatula and jar scraper",
            "Seamless one-piece design with a steel core, nothing for food to hide in",
            "Heat resistant to 600°F; safe on nonstick pans",
            "Dishwasher safe",
        ],
        "description": (
            "Flexible edges for scraping bowls clean and a stiff core for stirring thick "
            "batters. Food-grade silicone, free of BPA."
        ),
        "attributes": {"material": "food-grade silicone, steel core", "color": "sage green",
                       "pieces": "3", "heat resistance": "600 °F",
                       "length": "11 inches (large spatula)", "weight": "0.6 lb"},
        "price": 8.99, "currency": "USD", "returnable": True,
    },
    {
        "asin": "B0C9HT2L4P", "seller_id": "SELLER-US1", "sku": "BSH-THR-GRY",
        "title": "Brightside Waffle-Knit Cotton Throw Blanket, 50 x 60 Inches, Gray",
        "category": "Home",
        "bullets": [
            "100% cotton waffle knit, breathable for every season",
            "Throw size 50 x 60 inches, for the sofa or the foot of the bed",
            "Gets softer with every wash; machine wash cold, tumble dry low",
            "OEKO-TEX Standard 100 certified",
        ],
        "description": (
            "A lightweight throw with a textured waffle weave and finished edges. Expect "
            "up to 3% shrinkage after the first wash."
        ),
        "attributes": {"dimensions": "50 x 60 inches", "material": "100% cotton",
                       "color": "gray", "weight": "1.9 lb", "care": "machine wash cold"},
        "price": 39.99, "currency": "USD", "returnable": True,
    },
    {
        "asin": "B0BQ7Z3K9N", "seller_id": "SELLER-US1", "sku": "BSH-CRT-84N",
        "title": "Brightside Blackout Curtains, 2 Panels, 52 x 84 Inches, Navy",
        "category": "Home",
        "bullets": [
            "Triple-weave fabric blocks 85-95% of light and reduces outside noise",
            "Two panels, each 52 inches wide and 84 inches long",
            "Eight silver grommets per panel fit rods up to 1.6 inches in diameter",
            "Thermal insulated to help keep rooms cool in summer and warm in winter",
        ],
        "description": (
            "Heavy, soft polyester curtains for bedrooms and nurseries. Darker colors block "
            "more light. Machine wash cold on a gentle cycle; iron on low heat."
        ),
        "attributes": {"dimensions": "52 x 84 inches per panel", "panels": "2",
                       "material": "polyester", "color": "navy", "weight": "3.1 lb"},
        "price": 32.99, "currency": "USD", "returnable": True,
    },
    {
        "asin": "B0CJ5V8R2W", "seller_id": "SELLER-US1", "sku": "BSH-SPK-BLK",
        "title": "Brightside Portable Bluetooth Speaker, IPX7 Waterproof, 10-Hour Battery",
        "category": "Electronics",
        "bullets": [
            "10 hours of playtime at 50% volume; full charge in 2.5 hours over USB-C",
            "IPX7 waterproof: survives a drop in the pool (up to 1 m for 30 minutes)",
            "Bluetooth 5.3 with a 33 ft range; pair two speakers for stereo sound",
            "Built-in microphone for hands-free calls",
            "Includes USB-C cable and a detachable strap",
        ],
        "description": (
            "A compact 14 W speaker with a passive bass radiator, sized for a backpack "
            "pocket. Press and hold the power button for 5 seconds to reset pairing."
        ),
        "attributes": {"battery life": "10 hours", "charging time": "2.5 hours",
                       "output power": "14 W", "bluetooth": "5.3", "range": "33 ft",
                       "water resistance": "IPX7", "color": "black", "weight": "0.9 lb",
                       "dimensions": "6.9 x 2.8 x 2.8 inches"},
        "price": 45.99, "currency": "USD", "returnable": True,
    },
    {
        "asin": "B0D6M2PQ7X", "seller_id": "SELLER-US1", "sku": "BSH-CHG-65W",
        "title": "Brightside 65 W USB-C GaN Charger, 2 Ports, Foldable Plug",
        "category": "Electronics",
        "bullets": [
            "65 W from one USB-C port: charges most laptops, tablets and phones",
            "Two ports (USB-C and USB-A) share power when both are in use",
            "GaN technology: about half the size of a standard laptop charger",
            "Foldable prongs; 100-240 V input for travel",
        ],
        "description": (
            "A travel charger with over-voltage, over-current and temperature protection. "
            "Cable not included."
        ),
        "attributes": {"output power": "65 W", "ports": "1 x USB-C, 1 x USB-A",
                       "input voltage": "100-240 V", "color": "white", "weight": "4 oz",
                       "dimensions": "2.1 x 1.3 x 1.2 inches"},
        "price": 29.99, "currency": "USD", "returnable": True,
    },
    {
        "asin": "B0BX4N9T3H", "seller_id": "SELLER-US1", "sku": "BSH-SWD-3PK",
        "title": "Brightside Muslin Swaddle Blankets, 3 Pack, 47 x 47 Inches",
        "category": "Baby",
        "bullets": [
            "Three 100% cotton muslin blankets, 47 x 47 inches each",
            "Breathable double-gauze weave, soft after every wash",
            "Use as swaddle, nursing cover, stroller cover or burp cloth",
            "Machine wash cold, tumble dry low",
        ],
        "description": (
            "Light, airy swaddles in neutral prints (stars, clouds, solid oat). Always place "
            "babies on their backs to sleep and stop swaddling when baby shows signs of "
            "rolling over."
        ),
        "attributes": {"dimensions": "47 x 47 inches", "material": "100% cotton muslin",
                       "count": "3", "color": "oat, stars, clouds", "weight": "0.8 lb"},
        "price": 22.99, "currency": "USD", "returnable": True,
    },
    {
        "asin": "B0CK8W2F6D", "seller_id": "SELLER-US1", "sku": "BSH-MAT-Q10",
        "title": "Brightside 10 Inch Memory Foam Mattress, Queen, Medium Firm",
        "category": "Mattresses",
        "bullets": [
            "Gel-infused memory foam over a high-density support layer",
            "Medium-firm feel for back and side sleepers",
            "CertiPUR-US certified foams; removable, machine-washable cover",
            "Ships compressed in a box; expands to full size in 24-48 hours",
        ],
        "description": (
            "Unbox on the bed frame, cut the plastic and let the mattress breathe. A faint "
            "new-foam smell fades within a few days. Fits standard queen frames and "
            "foundations; no box spring needed."
        ),
        "attributes": {"size": "Queen", "dimensions": "80 x 60 x 10 inches",
                       "material": "gel memory foam, polyurethane foam", "firmness":
                       "medium firm", "weight": "62 lb", "color": "white"},
        "price": 299.00, "currency": "USD", "returnable": True,
    },
    {
        "asin": "B0D3G7Y5LS", "seller_id": "SELLER-US1", "sku": "BSH-CHS-4",
        "title": "Brightside Pantry Artisan Cheese Sampler, 4 Cheeses, 1.5 lb, Shipped Cold",
        "category": "Grocery",
        "bullets": [
            "Four wedges: aged white cheddar, smoked gouda, Manchego and blue",
            "Ships in an insulated box with ice packs by 2-day delivery",
            "Refrigerate on arrival; best within 14 days",
            "Perishable: not returnable",
        ],
        "description": (
            "A cheese board in a box from small Wisconsin and Spanish creameries. Each wedge "
            "weighs about 6 oz. Contains milk."
        ),
        "attributes": {"weight": "1.5 lb", "storage": "refrigerate at 35-40 °F",
                       "allergens": "milk", "shelf life": "14 days refrigerated"},
        "price": 44.95, "currency": "USD", "returnable": False,
    },
    {
        "asin": "B0BZ2C6H8M", "seller_id": "SELLER-US1", "sku": "BSH-GC-50",
        "title": "Brightside Home Goods Gift Card, $50, in a Greeting Card",
        "category": "Gift Cards",
        "bullets": [
            "A $50 gift card redeemable at brightside.example",
            "Comes in a folded greeting card with envelope",
            "No expiration date and no fees",
            "Gift cards are not returnable or refundable for cash",
        ],
        "description": (
            "A physical gift card mailed in a greeting card. The card is activated when it "
            "ships; the balance can be checked online with the 16-digit card number."
        ),
        "attributes": {"value": "$50.00", "dimensions": "5 x 7 inches",
                       "weight": "1 oz", "expiration": "none"},
        "price": 50.00, "currency": "USD", "returnable": False,
    },
    {
        "asin": "B0CP9E4R7V", "seller_id": "SELLER-US1", "sku": "BSH-CBD-ENG",
        "title": "Personalized Engraved Walnut Cutting Board, Handmade, 16 x 11 Inches",
        "category": "Handmade",
        "bullets": [
            "Solid American black walnut, cut and finished by hand in Illinois",
            "Laser-engraved with your names and date (up to 3 lines, 20 characters each)",
            "Juice groove on the back side; finished with food-safe mineral oil",
            "Made to order: ships in 3-5 business days",
            "Customized item: not returnable unless it arrives damaged or with an "
            "engraving error",
        ],
        "description": (
            "A wedding and housewarming favorite. Enter the engraving text at checkout and "
            "check the spelling carefully: the board is made to order. Hand wash only and "
            "oil monthly."
        ),
        "attributes": {"dimensions": "16 x 11 x 0.75 inches", "material": "black walnut",
                       "weight": "3.4 lb", "personalization": "engraved, up to 3 lines"},
        "price": 54.00, "currency": "USD", "returnable": False,
    },
    {
        "asin": "B0D8J3K5TN", "seller_id": "SELLER-US1", "sku": "BSH-MUG-SPK",
        "title": "Handmade Stoneware Coffee Mug, 12 oz, Speckled Glaze",
        "category": "Handmade",
        "bullets": [
            "Wheel-thrown and glazed by hand; every mug is slightly different",
            "Holds 12 oz",
            "Dishwasher and microwave safe",
            "Lead-free glaze",
        ],
        "description": (
            "A sturdy everyday mug in a speckled oatmeal glaze, made in a small studio in "
            "Chicago. Small variations in shape and glaze are part of the handmade process."
        ),
        "attributes": {"capacity": "12 oz", "material": "stoneware", "color": "speckled "
                       "oatmeal", "dimensions": "4 x 3.5 inches", "weight": "0.9 lb"},
        "price": 26.00, "currency": "USD", "returnable": True,
    },
    {
        "asin": "B0C2W6X9QF", "seller_id": "SELLER-US1", "sku": "BSH-SCK-L",
        "title": "Brightside Merino Wool Crew Socks, 3 Pairs, Men's Large",
        "category": "Apparel",
        "bullets": [
            "70% merino wool: warm, breathable and odor resistant",
            "Cushioned sole and reinforced heel and toe",
            "Men's Large fits shoe sizes 9-12",
            "Machine wash warm, inside out; tumble dry low",
        ],
        "description": "Everyday hiking and work socks in charcoal, navy and olive.",
        "attributes": {"size": "Men's Large (shoe 9-12)",
                       "material": "70% merino wool, 28% nylon, 2% spandex",
                       "color": "charcoal, navy, olive", "pairs": "3", "weight": "0.5 lb"},
        "price": 19.99, "currency": "USD", "returnable": True,
    },
    {
        "asin": "B0BT5M8D4K", "seller_id": "SELLER-US1", "sku": "BSH-DRL-20V",
        "title": "Brightside 20 V Cordless Drill/Driver Kit, 2 Batteries and Charger",
        "category": "Tools",
        "bullets": [
            "20 V max brushless motor, 400 in-lb of torque, 2 speeds (0-450 / 0-1,500 RPM)",
            "1/2 inch keyless chuck and 21+1 clutch settings",
            "Two 2.0 Ah lithium-ion batteries; a full charge takes about 1 hour",
            "LED work light and belt clip; carrying case included",
        ],
        "description": (
            "A compact drill for furniture assembly, shelves and light remodeling. Batteries "
            "ship partly charged; charge fully before first use."
        ),
        "attributes": {"voltage": "20 V", "battery": "2 x 2.0 Ah lithium-ion",
                       "charging time": "1 hour", "torque": "400 in-lb",
                       "chuck size": "1/2 inch", "weight": "3.2 lb",
                       "dimensions": "7.5 x 2.5 x 8 inches", "color": "teal and black"},
        "price": 79.99, "currency": "USD", "returnable": True,
    },
    # --- SELLER-CN1: Shenzhen Mingdeng Lighting ---------------------------------------------
    {
        "asin": "B0CM7L3D9Q", "seller_id": "SELLER-CN1", "sku": "MD-DL-09W-WH",
        "title": "LED Desk Lamp with USB Charging Port, 5 Color Modes, Touch Dimmer, 9 W",
        "category": "Lighting",
        "bullets": [
            "5 color modes from 3000 K warm to 6500 K daylight, 5 brightness levels each",
            "USB-A charging port (5 V / 1 A) in the base for your phone",
            "Eye-caring flicker-free LEDs, CRI 85+",
            "Auto-off timer (60 minutes) and memory of the last setting",
            "Foldable arm with a 135-degree rotating head",
        ],
        "description": (
            "A slim desk lamp for study and office. The 9 W LED panel gives about 500 "
            "lumens and uses a 12 V adapter (included, 100-240 V input). LEDs are "
            "built in and cannot be replaced."
        ),
        "attributes": {"wattage": "9 W", "brightness": "500 lm",
                       "color temperature": "3000-6500 K", "voltage": "12 V adapter, "
                       "100-240 V input", "color": "white", "material": "ABS, aluminum",
                       "dimensions": "15.7 x 6.3 x 2 inches", "weight": "1.8 lb"},
        "price": 32.99, "currency": "USD", "returnable": True,
    },
    {
        "asin": "B0BL2B6N4R", "seller_id": "SELLER-CN1", "sku": "MD-A19-9W-4PK",
        "title": "LED A19 Light Bulbs, 60 W Equivalent, 9 W, 2700 K Soft White, 4 Pack",
        "category": "Lighting",
        "bullets": [
            "9 W LED replaces a 60 W incandescent bulb, 800 lumens",
            "2700 K soft white, CRI 80+",
            "Standard E26 base; 120 V",
            "Not dimmable",
            "Rated 15,000 hours",
        ],
        "description": (
            "Everyday A19 bulbs for table lamps, ceiling fixtures and fans. Suitable for "
            "damp locations; not for use in fully enclosed fixtures."
        ),
        "attributes": {"wattage": "9 W", "brightness": "800 lm",
                       "color temperature": "2700 K", "base": "E26", "voltage": "120 V",
                       "dimmable": "no", "lifetime": "15,000 hours", "count": "4"},
        "price": 12.99, "currency": "USD", "returnable": True,
    },
    {
        "asin": "B0D5S8T2LW", "seller_id": "SELLER-CN1", "sku": "MD-SOL-33FT",
        "title": "Solar String Lights Outdoor, 33 ft, 100 LEDs, Warm White, 8 Modes",
        "category": "Lighting",
        "bullets": [
            "Solar panel charges by day; lights turn on automatically at dusk",
            "33 ft copper wire with 100 warm white LEDs",
            "8 lighting modes including steady, twinkle and fade",
            "IP65 waterproof for patios, fences and trees",
        ],
        "description": (
            "A full charge in direct sun gives 8-10 hours of light. Switch on and leave the "
            "panel in sunlight for a full day before first use."
        ),
        "attributes": {"length": "33 ft", "led count": "100", "color": "warm white",
                       "battery": "1 x AA 600 mAh rechargeable", "battery life": "8-10 hours",
                       "water resistance": "IP65", "weight": "0.7 lb"},
        "price": 19.99, "currency": "USD", "returnable": True,
    },
    {
        "asin": "B0CN4A7P3E", "seller_id": "SELLER-CN1", "sku": "MD-LTN-1000",
        "title": "Rechargeable LED Camping Lantern, 1000 Lumens, 10-Hour Battery, Power Bank",
        "category": "Lighting",
        "bullets": [
            "1000 lumens on high; 4 modes: high, low, warm light and SOS flashing",
            "Built-in 4400 mAh battery: 10 hours on low, 4 hours on high",
            "Charges over USB-C and doubles as a power bank for phones",
            "IPX4 water resistant; collapsible handle and bottom hook",
        ],
        "description": (
            "A lantern for camping, power outages and emergency kits. Charge fully before "
            "the first use (about 4 hours with a 5 V / 2 A adapter, not included)."
        ),
        "attributes": {"brightness": "1000 lm", "battery life": "10 hours",
                       "battery": "4400 mAh lithium-ion", "water resistance": "IPX4",
                       "color": "black", "dimensions": "7.1 x 3.9 x 3.9 inches",
                       "weight": "1.1 lb"},
        "price": 25.00, "currency": "USD", "returnable": True,
    },
    {
        "asin": "B0BF6R9L2Y", "seller_id": "SELLER-CN1", "sku": "MD-ARC-65-BK",
        "title": "Arc Floor Lamp, 65 Inch, Marble Base, Linen Drum Shade, Foot Switch",
        "category": "Lighting",
        "bullets": [
            "Curved metal arm reaches over sofas and reading chairs",
            "Heavy faux-marble base keeps the lamp stable",
            "Linen drum shade diffuses soft light",
            "E26 socket, up to 60 W; works with LED bulbs (bulb not included)",
            "Foot switch on the cord",
        ],
        "description": (
            "A mid-century style arc lamp for living rooms. Assembly takes about 15 minutes "
            "with the included tool; the arm comes in three screw-together sections."
        ),
        "attributes": {"height": "65 inches", "base": "faux marble", "socket": "E26",
                       "max wattage": "60 W", "voltage": "120 V", "color": "black",
                       "material": "iron, linen", "weight": "14.3 lb"},
        "price": 69.99, "currency": "USD", "returnable": True,
    },
    {
        "asin": "B0D9K4N6UZ", "seller_id": "SELLER-CN1", "sku": "MD-NL-2PK",
        "title": "Plug-in LED Night Light with Dusk-to-Dawn Sensor, Warm White, 2 Pack",
        "category": "Lighting",
        "bullets": [
            "Turns on automatically in the dark and off in daylight",
            "0.5 W each: about $0.05 of electricity a year",
            "Warm white 2700 K glow, soft for bedrooms and hallways",
            "Slim design leaves the other outlet free",
        ],
        "description": "Two night lights for halls, bathrooms and nurseries. 120 V outlets.",
        "attributes": {"wattage": "0.5 W", "color temperature": "2700 K",
                       "voltage": "120 V", "count": "2", "color": "white"},
        "price": 9.99, "currency": "USD", "returnable": True,
    },
    # --- SELLER-OUT: Trailhead Outfitters (opted out) -----------------------------------------
    {
        "asin": "B0C6T3W8HB", "seller_id": "SELLER-OUT", "sku": "TH-BTL-32-BLU",
        "title": "Trailhead Insulated Stainless Steel Water Bottle, 32 oz, Wide Mouth",
        "category": "Kitchen",
        "bullets": [
            "Double-wall vacuum insulation: cold for 24 hours, hot for 12 hours",
            "18/8 stainless steel, BPA-free leakproof lid",
            "Wide mouth fits ice cubes and most water filters",
            "Powder-coated finish for a sweat-free grip",
        ],
        "description": "A trail and gym bottle. Hand wash; not for carbonated drinks.",
        "attributes": {"capacity": "32 oz", "material": "18/8 stainless steel",
                       "color": "glacier blue", "weight": "0.9 lb",
                       "dimensions": "3.6 x 3.6 x 10.6 inches"},
        "price": 27.95, "currency": "USD", "returnable": True,
    },
    {
        "asin": "B0BR8J2K5G", "seller_id": "SELLER-OUT", "sku": "TH-RJ-W-M-TEAL",
        "title": "Trailhead Women's Packable Rain Jacket, Waterproof, Medium, Teal",
        "category": "Apparel",
        "bullets": [
            "2.5-layer waterproof, breathable shell with taped seams",
            "Packs into its own chest pocket",
            "Adjustable hood and hem; pit zips for ventilation",
            "Women's Medium: chest 36-38 inches",
        ],
        "description": "A light rain shell for hiking and travel. Machine wash cold.",
        "attributes": {"size": "Women's Medium", "material": "nylon with PU membrane",
                       "color": "teal", "weight": "11 oz"},
        "price": 59.00, "currency": "USD", "returnable": True,
    },
    # --- SELLER-NEW: Maple & Pine Candle Co. (enrolled 2 days ago) -------------------------
    {
        "asin": "B0DC5N7V1A", "seller_id": "SELLER-NEW", "sku": "MP-SOY-BALSAM-8",
        "title": "Maple & Pine Hand-Poured Soy Candle, Balsam Fir, 8 oz Amber Jar",
        "category": "Home",
        "bullets": [
            "100% soy wax with a cotton wick, hand-poured in Vermont",
            "Balsam fir, cedar and a hint of citrus",
            "About 45 hours of burn time",
            "Trim the wick to 1/4 inch before each burn",
        ],
        "description": (
            "A small-batch candle in a reusable amber glass jar with a metal lid. Burn for "
            "2-3 hours the first time so the wax melts evenly to the edge."
        ),
        "attributes": {"weight": "8 oz", "burn time": "45 hours", "material": "soy wax",
                       "scent": "balsam fir", "dimensions": "3 x 3 x 3.5 inches"},
        "price": 18.00, "currency": "USD", "returnable": True,
    },
]


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _price(asin: str) -> float:
    for product in _PRODUCTS:
        if product["asin"] == asin:
            return product["price"]
    raise KeyError(asin)


def build_demo_dataset(now: datetime) -> dict:
    """The demo data set as of `now` (timezone-aware; read as UTC, truncated to the second).

    Every datetime is `now` plus a fixed offset (so two results differ by a shift of all
    dates), except the holiday-season order `HOLIDAY_ORDER_ID`, placed on Nov 24 of the year
    before `now`'s year.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("build_demo_dataset needs a timezone-aware datetime")
    now = now.astimezone(UTC).replace(microsecond=0)

    def ago(days: float = 0, hours: float = 0, minutes: float = 0) -> datetime:
        return now - timedelta(days=days, hours=hours, minutes=minutes)

    def after(start: datetime, days: float = 0, hours: float = 0,
              minutes: float = 0) -> datetime:
        return start + timedelta(days=days, hours=hours, minutes=minutes)

    us1_enrolled = ago(420)  # long enough to cover last year's holiday-season order
    cn1_enrolled = ago(150, hours=6)
    out_enrolled = ago(300, hours=2)
    out_opted_out = ago(20)
    new_enrolled = ago(2)

    sellers = [
        {
            "id": "SELLER-US1", "name": "Brightside Home Goods",
            "email": "ops@brightside.example", "language": "en",
            "enrolled_at": _iso(us1_enrolled), "opted_out_at": None,
            "return_address_country": "US", "returnless_refund_max": 10.00,
            "timezone": "America/Chicago", "addresses": ["returns@brightside.example"],
        },
        {
            "id": "SELLER-CN1", "name": "深圳明灯照明有限公司 / Shenzhen Mingdeng Lighting",
            "email": "kefu@mingdeng.example", "language": "zh",
            "enrolled_at": _iso(cn1_enrolled), "opted_out_at": None,
            "return_address_country": "CN", "returnless_refund_max": 0.00,
            "timezone": "Asia/Shanghai", "addresses": ["service@mingdeng.example"],
        },
        {
            "id": "SELLER-OUT", "name": "Trailhead Outfitters",
            "email": "orders@trailhead.example", "language": "en",
            "enrolled_at": _iso(out_enrolled), "opted_out_at": _iso(out_opted_out),
            "return_address_country": "US", "returnless_refund_max": 15.00,
            "timezone": "America/Denver", "addresses": [],
        },
        {
            "id": "SELLER-NEW", "name": "Maple & Pine Candle Co.",
            "email": "hello@mapleandpine.example", "language": "en",
            "enrolled_at": _iso(new_enrolled), "opted_out_at": None,
            "return_address_country": "US", "returnless_refund_max": 5.00,
            "timezone": "America/New_York", "addresses": [],
        },
    ]

    orders: list[dict[str, Any]] = []

    def order(order_id: str, seller_id: str, buyer: str, items: list[tuple[str, int]],
              status: str, purchased: datetime, *, ship_days: float, edd_days: float,
              ldd_days: float, note: str, fulfillment: str = "MFN",
              shipment: tuple[str, str, datetime, datetime | None] | None = None) -> None:
        person = _BUYERS[buyer]
        orders.append({
            "order_id": order_id,
            "seller_id": seller_id,
            "fulfillment": fulfillment,
            "purchased_at": _iso(purchased),
            "buyer": {key: person[key] for key in ("name", "email", "phone", "language")},
            "ship_to": {"postal_code": person["postal_code"], "country": "US"},
            "items": [{"asin": asin, "quantity": qty, "price": _price(asin)}
                      for asin, qty in items],
            "status": status,
            "latest_ship_date": _iso(after(purchased, ship_days)),
            "earliest_delivery_date": _iso(after(purchased, edd_days)),
            "latest_delivery_date": _iso(after(purchased, ldd_days)),
            "shipment": None if shipment is None else {
                "carrier": shipment[0],
                "tracking_number": shipment[1],
                "shipped_at": _iso(shipment[2]),
                "delivered_at": None if shipment[3] is None else _iso(shipment[3]),
            },
            "note": note,
        })

    # Domestic MFN promise: ship within 2 days, deliver 4-7 days after purchase.
    dom = {"ship_days": 2, "edd_days": 4, "ldd_days": 7}
    # Shipped from China: ship within 3 days, deliver 10-20 days after purchase.
    intl = {"ship_days": 3, "edd_days": 10, "ldd_days": 20}

    # --- SELLER-US1: delivery situations (POLICY.md C) --------------------------------------
    p = ago(minutes=25)
    order("111-2384710-5530127", "SELLER-US1", "maria", [("B0BQ7Z3K9N", 1)], "Pending", p,
          **dom, note="Pending: payment not yet confirmed, placed 25 minutes ago")

    p = ago(hours=20)
    order("112-9034521-4418830", "SELLER-US1", "james", [("B0C4X7K2QZ", 1)], "Unshipped", p,
          **dom, note="Unshipped, before the latest ship date (ships within about a day)")

    p = ago(5, hours=2)
    order("113-5521907-2049386", "SELLER-US1", "david", [("B0BT5M8D4K", 1)], "Unshipped", p,
          **dom, note="Unshipped, 3 days past the latest ship date: case to the seller")

    p = ago(3, hours=5)
    order("114-7720413-9182654", "SELLER-US1", "ana", [("B0CJ5V8R2W", 1)], "Shipped", p,
          **dom, shipment=("UPS", "1Z8E47V10352601818", after(p, 1), None),
          note="Shipped, in transit, before the latest delivery date (the buyer's only order)")

    p = ago(2, hours=3)
    order("111-6649302-1175048", "SELLER-US1", "emily", [("B0C9HT2L4P", 1)], "Shipped", p,
          **dom, shipment=("FedEx", "785280841481", after(p, hours=22), None),
          note="Shipped, in transit, before the latest delivery date (the buyer's only order)")

    p = ago(14, hours=6)
    order("113-2087465-3319072", "SELLER-US1", "james", [("B0D6M2PQ7X", 1)], "Shipped", p,
          **dom, shipment=("USPS", "9400111746507529170346", after(p, 1), None),
          note="Shipped, 7 days past the latest delivery date, no delivery scan: "
               "not-received case to the seller, full refund on silence")

    p = ago(8, hours=2)
    order("112-4471839-6620915", "SELLER-US1", "michael", [("B0BT5M8D4K", 1)], "Shipped", p,
          **dom, shipment=("UPS", "1Z8E47V10318190934", after(p, 1), None),
          note="Shipped, 1 day past the latest delivery date, no delivery scan: late but "
               "within the 3-day grace before a not-received case")

    p = ago(15)
    order("112-8190354-2736641", "SELLER-US1", "james", [("B0B8N3VJ5T", 1)], "Delivered", p,
          **dom, shipment=("UPS", "1Z8E47V10359083018", after(p, 1), ago(10)),
          note="Delivered exactly 10 days ago: inside the 30-day return window")

    p = ago(6)
    order("111-9306628-4051782", "SELLER-US1", "carlos", [("B0D6M2PQ7X", 1)], "Delivered", p,
          **dom, shipment=("UPS", "1Z8E47V10396030826", after(p, 1), ago(2, hours=3)),
          note="Tracking says delivered 2 days ago: the customer can say it never arrived "
               "(delivered-but-missing case to the seller, full refund on silence)")

    # --- SELLER-US1: return windows (POLICY.md B) -------------------------------------------
    p = ago(36, hours=4)
    order("113-7062294-8817350", "SELLER-US1", "maria", [("B0C9HT2L4P", 1)], "Delivered", p,
          **dom, shipment=("UPS", "1Z8E47V10366131863", after(p, 1), ago(31)),
          note="Delivered exactly 31 days ago: outside the 30-day return window (case to "
               "the seller) unless purchased Nov 1-Dec 31 and now is before Jan 31")

    p = ago(50)
    order("114-1538807-9924416", "SELLER-US1", "robert", [("B0CJ5V8R2W", 1)], "Delivered", p,
          **dom, shipment=("FedEx", "752538885391", after(p, 1), ago(45)),
          note="Delivered exactly 45 days ago: outside the 30-day return window (case to "
               "the seller) unless purchased Nov 1-Dec 31 and now is before Jan 31")

    holiday = datetime(now.year - 1, 11, 24, 18, 30, tzinfo=UTC)
    order(HOLIDAY_ORDER_ID, "SELLER-US1", "sarah", [("B0B8N3VJ5T", 1)], "Delivered",
          holiday, **dom,
          shipment=("UPS", "1Z8E47V10309139098", after(holiday, hours=21),
                    after(holiday, 5, hours=1, minutes=12)),
          note="Holiday season: purchased Nov 24 of last year, delivered Nov 29; returnable "
               "until Jan 31 (holiday window) although delivered more than 30 days before; "
               "after Jan 31 it is out of both windows")

    p = ago(17)
    order("111-5827713-3098264", "SELLER-US1", "sarah",
          [("B0D1RW6M8C", 1), ("B0D8J3K5TN", 2)], "Delivered", p, **dom,
          shipment=("USPS", "9400111078666617603138", after(p, 1), ago(12)),
          note="Two items, delivered 12 days ago: the $8.99 spatula set is at or below the "
               "seller's $10 returnless limit; the handmade mugs are exempt (seller case)")

    p = ago(5)
    order("112-3659021-7740158", "SELLER-US1", "jennifer", [("B0D3G7Y5LS", 1)], "Delivered",
          p, ship_days=1, edd_days=2, ldd_days=3,
          shipment=("UPS", "1Z8E47V10346281944", after(p, 1), ago(3)),
          note="Perishable (Grocery) delivered 3 days ago: not returnable, but refunded "
               "returnless if damaged or spoiled")

    p = ago(10)
    order("113-8842076-1503397", "SELLER-US1", "robert", [("B0BZ2C6H8M", 1)], "Delivered", p,
          **dom, shipment=("USPS", "9400111236671276842684", after(p, 1), ago(6)),
          note="Gift card delivered 6 days ago: not returnable")

    p = ago(16)
    order("114-6027358-4419960", "SELLER-US1", "sofia", [("B0CP9E4R7V", 1)], "Delivered", p,
          ship_days=5, edd_days=8, ldd_days=11,
          shipment=("USPS", "9400111465632122330793", after(p, 4), ago(7)),
          note="Personalized (customized, handmade) item delivered 7 days ago: not "
               "returnable and exempt; a damaged or mis-engraved board is still refunded")

    p = ago(45)
    order("111-4409183-6672530", "SELLER-US1", "sofia", [("B0BX4N9T3H", 1)], "Delivered", p,
          **dom, shipment=("USPS", "9400111013962459571172", after(p, 1), ago(40)),
          note="Baby item delivered 40 days ago: inside the 90-day category window")

    p = ago(66)
    order("112-7735046-1186623", "SELLER-US1", "michael", [("B0CK8W2F6D", 1)], "Delivered",
          p, **dom, shipment=("FedEx", "733633875000", after(p, 1), ago(60)),
          note="Mattress delivered exactly 60 days ago: inside the 90-day category window")

    p = ago(4)
    order("113-0951562-2287406", "SELLER-US1", "robert", [("B0C4X7K2QZ", 1)], "Canceled", p,
          **dom, note="Canceled before shipping, 3 days ago")

    # --- SELLER-US1: out of scope (POLICY.md A) ---------------------------------------------
    p = ago(4)
    order("114-2286045-5397712", "SELLER-US1", "jennifer", [("B0C2W6X9QF", 1)], "Delivered",
          p, fulfillment="AFN", ship_days=1, edd_days=2, ldd_days=2,
          shipment=("USPS", "9400111244026859952899", after(p, hours=14), ago(2)),
          note="Fulfilled by the marketplace (FBA, AFN): out of scope")

    p = ago(1, hours=4)
    order("111-7518830-2940673", "SELLER-US1", "david", [("B0D6M2PQ7X", 1)], "Shipped", p,
          fulfillment="SFP", ship_days=1, edd_days=2, ldd_days=2,
          shipment=("UPS", "1Z8E47V10382199350", after(p, hours=6), None),
          note="Seller-Fulfilled Prime (SFP), in transit: out of scope")

    # --- SELLER-CN1: international seller without a US return address -----------------------
    p = ago(16)
    order("112-6604719-8315524", "SELLER-CN1", "kevin", [("B0CM7L3D9Q", 1)], "Delivered", p,
          **intl, shipment=("4PX", "4PX3001348395486CN", after(p, 2), ago(5)),
          note="Chinese seller, no US return address, $32.99 delivered 5 days ago: above "
               "$25, the seller must offer a returnless refund or a prepaid label (case)")

    p = ago(18)
    order("113-4178256-0649931", "SELLER-CN1", "valentina", [("B0CN4A7P3E", 1)],
          "Delivered", p, **intl, shipment=("Yanwen", "UG516761224YP", after(p, 2), ago(4)),
          note="Chinese seller, no US return address, $25.00 delivered 4 days ago: at or "
               "below $25, returnless refund")

    p = ago(6)
    order("114-9923571-3360248", "SELLER-CN1", "kevin", [("B0D5S8T2LW", 1)], "Shipped", p,
          **intl, shipment=("Yanwen", "UG202972993YP", after(p, 2), None),
          note="Shipped from China, in transit, before the latest delivery date (20 days)")

    p = ago(1)
    order("111-3390846-7125509", "SELLER-CN1", "valentina",
          [("B0BL2B6N4R", 2), ("B0D9K4N6UZ", 1)], "Unshipped", p, **intl,
          note="Chinese seller, unshipped, before the latest ship date")

    p = ago(30)
    order("112-0587362-9934172", "SELLER-CN1", "lucia", [("B0BF6R9L2Y", 1)], "Shipped", p,
          **intl, shipment=("Yanwen", "UG752882000YP", after(p, 2), None),
          note="Shipped from China, 10 days past the latest delivery date, no delivery scan: "
               "not-received case to the seller in Chinese")

    # --- SELLER-OUT: opted out 20 days ago --------------------------------------------------
    p = ago(28)
    order("113-6215094-4470385", "SELLER-OUT", "daniel", [("B0C6T3W8HB", 1)], "Delivered", p,
          **dom, shipment=("UPS", "1Z4W19260376018957", after(p, 1), ago(22)),
          note="Placed 8 days before the seller opted out: still covered; delivered 22 days "
               "ago (inside the return window)")

    p = ago(8)
    order("114-0734618-5582291", "SELLER-OUT", "gabriela", [("B0BR8J2K5G", 1)], "Delivered",
          p, **dom, shipment=("UPS", "1Z4W19260355979717", after(p, 1), ago(3)),
          note="Placed 12 days after the seller opted out: not covered (the seller's own)")

    # --- SELLER-NEW: enrolled 2 days ago, effective 1 hour later ----------------------------
    p = after(new_enrolled, minutes=30)
    order("111-8046217-0391846", "SELLER-NEW", "thomas", [("B0DC5N7V1A", 1)], "Shipped", p,
          ship_days=3, edd_days=5, ldd_days=8,
          shipment=("USPS", "9400111721590109281595", after(p, 1), None),
          note="Placed 30 minutes after the seller enrolled, before enrollment took effect "
               "(1 hour): not covered")

    p = after(new_enrolled, hours=1)
    order("112-5568940-1620437", "SELLER-NEW", "olivia", [("B0DC5N7V1A", 2)], "Unshipped", p,
          ship_days=3, edd_days=5, ldd_days=8,
          note="Placed exactly when the seller's enrollment took effect: covered; unshipped "
               "before the latest ship date")

    return {
        "marketplace": "US",
        "sellers": sellers,
        "products": [
            {**product, "bullets": list(product["bullets"]),
             "attributes": dict(product["attributes"])}
            for product in _PRODUCTS
        ],
        "orders": orders,
    }
