"""Hand-written templates and vocabulary: English and German."""

from __future__ import annotations

EN: dict[str, object] = {
    "products": [
        "the Aero 5 router",
        "the NovaPrint X2",
        "the mobile app",
        "the Pro plan",
        "the desk scanner",
        "the smart thermostat",
        "the web shop",
        "the team licence",
    ],
    "months": ["January", "March", "April", "June", "September", "November"],
    "openers": {
        "negative": [
            "I am really disappointed.",
            "This is unacceptable and very frustrating.",
            "I'm angry, this is the third time I have to write.",
            "Terrible experience so far.",
            "Honestly, this is awful.",
        ],
        "neutral": ["Hello,", "Good morning,", "Hi team,", "Dear support,", "Hello there,"],
        "positive": [
            "Thanks a lot for the great help last week!",
            "I love your service, thank you!",
            "Great work on the last update, thanks.",
            "You have been wonderful so far, thank you.",
            "Happy customer here :)",
        ],
    },
    "closers": {
        "negative": ["Please fix this now.", "I expect an answer today.", ""],
        "neutral": ["Regards.", "Kind regards, Sam.", ""],
        "positive": ["Thanks again, much appreciated!", "Have a nice day!", ""],
    },
    "problems": {
        "billing": [
            "Invoice {order} for {month} charges {amount} EUR twice for {product}.",
            "My card was billed {amount} EUR in {month} but order {order} shows a lower price.",
            "Please send a corrected invoice for order {order}, the VAT on {amount} is wrong.",
        ],
        "access": [
            "I cannot log in to my account {user}, the password reset mail never arrives.",
            "User {user} is locked out after the two-factor code was rejected with {code}.",
            "The sign-in page shows error {code} when {user} enters the password.",
        ],
        "delivery": [
            "Order {order} with {product} has not arrived, tracking stopped in {month}.",
            "The parcel for order {order} was delivered to the wrong address.",
            "Where is my shipment {order}? {product} was promised for {month}.",
        ],
        "defect": [
            "{product} stops working and shows error {code} after a restart.",
            "Since the update, {product} crashes with code {code} every few minutes.",
            "{product} is broken: it freezes and displays {code}.",
        ],
        "cancellation": [
            "Please cancel my subscription {order} for {product} at the end of {month}.",
            "I want to end contract {order} and get a refund of {amount} EUR.",
            "How do I terminate {product}? Contract {order} should stop in {month}.",
        ],
        "howto": [
            "How can I export the data of account {user} from {product} to a spreadsheet?",
            "Is there a guide to set up {product} for a second user like {user}?",
            "Can you explain how {user} can change the language settings in {product}?",
        ],
    },
}

DE: dict[str, object] = {
    "products": [
        "den Router Aero 5",
        "den NovaPrint X2",
        "die mobile App",
        "den Pro-Tarif",
        "den Tischscanner",
        "das smarte Thermostat",
        "den Webshop",
        "die Teamlizenz",
    ],
    "months": ["Januar", "März", "April", "Juni", "September", "November"],
    "openers": {
        "negative": [
            "Ich bin sehr enttäuscht.",
            "Das ist wirklich ärgerlich und schlecht.",
            "Ich bin unzufrieden, das ist schon die dritte Beschwerde.",
            "Ihr Service ist eine Katastrophe.",
            "Das ist eine Frechheit.",
        ],
        "neutral": [
            "Hallo,",
            "Guten Tag,",
            "Sehr geehrte Damen und Herren,",
            "Hallo Team,",
            "Guten Morgen,",
        ],
        "positive": [
            "Vielen Dank für die tolle Hilfe letzte Woche!",
            "Ich bin sehr zufrieden mit Ihrem Service, danke!",
            "Super Arbeit beim letzten Update.",
            "Sie waren bisher hervorragend, herzlichen Dank.",
            "Ein großes Lob an Ihr freundliches Team!",
        ],
    },
    "closers": {
        "negative": ["Beheben Sie das bitte sofort.", "Ich erwarte heute eine Antwort.", ""],
        "neutral": ["Mit freundlichen Grüßen.", "Viele Grüße, Kim.", ""],
        "positive": ["Nochmals danke, sehr nett!", "Einen schönen Tag noch!", ""],
    },
    "problems": {
        "billing": [
            "Die Rechnung {order} für {month} berechnet {amount} EUR doppelt für {product}.",
            "Meine Karte wurde im {month} mit {amount} EUR belastet, Bestellung {order} "
            "zeigt einen niedrigeren Preis.",
            "Bitte schicken Sie eine korrigierte Rechnung zu Bestellung {order}, "
            "die Mehrwertsteuer auf {amount} stimmt nicht.",
        ],
        "access": [
            "Ich kann mich mit dem Konto {user} nicht anmelden, die Mail zum "
            "Zurücksetzen des Passworts kommt nie an.",
            "Benutzer {user} ist gesperrt, der Code der Zwei-Faktor-Anmeldung wurde "
            "mit {code} abgelehnt.",
            "Die Anmeldeseite zeigt den Fehler {code}, wenn {user} das Passwort eingibt.",
        ],
        "delivery": [
            "Bestellung {order} mit {product} ist nicht angekommen, die Sendungsverfolgung "
            "steht seit {month} still.",
            "Das Paket zur Bestellung {order} wurde an die falsche Adresse geliefert.",
            "Wo bleibt meine Lieferung {order}? Sie hatten {product} für {month} zugesagt.",
        ],
        "defect": [
            "Seit einem Neustart funktioniert {product} nicht mehr und zeigt Fehler {code}.",
            "Seit dem Update stürzt {product} alle paar Minuten mit Code {code} ab.",
            "Mit {product} stimmt etwas nicht: er hängt sich auf und meldet {code}.",
        ],
        "cancellation": [
            "Bitte kündigen Sie mein Abo {order} für {product} zum Ende {month}.",
            "Ich möchte den Vertrag {order} beenden und {amount} EUR erstattet bekommen.",
            "Wie kündige ich {product}? Der Vertrag {order} soll im {month} enden.",
        ],
        "howto": [
            "Wie kann ich die Daten des Kontos {user} aus {product} in eine Tabelle exportieren?",
            "Gibt es eine Anleitung, wie man {product} für einen zweiten Benutzer wie "
            "{user} einrichtet?",
            "Können Sie erklären, wie {user} die Spracheinstellungen in {product} ändert?",
        ],
    },
}

LANGS = {"en": EN, "de": DE}
