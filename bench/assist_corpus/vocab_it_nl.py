"""Hand-written templates and vocabulary: Italian and Dutch."""

from __future__ import annotations

IT: dict[str, object] = {
    "products": [
        "il router Aero 5",
        "la NovaPrint X2",
        "l'app mobile",
        "il piano Pro",
        "lo scanner da scrivania",
        "il termostato intelligente",
        "il negozio online",
        "la licenza del team",
    ],
    "months": ["gennaio", "marzo", "aprile", "giugno", "settembre", "novembre"],
    "openers": {
        "negative": [
            "Sono davvero deluso.",
            "È inaccettabile e molto frustrante.",
            "Sono arrabbiato, è la terza volta che scrivo.",
            "Il vostro servizio è pessimo.",
            "Sinceramente, è terribile.",
        ],
        "neutral": ["Buongiorno,", "Salve,", "Gentile assistenza,", "Buonasera,", "Ciao a tutti,"],
        "positive": [
            "Grazie mille per l'aiuto della settimana scorsa!",
            "Adoro il vostro servizio, grazie!",
            "Ottimo lavoro con l'ultimo aggiornamento.",
            "Siete stati fantastici finora, grazie.",
            "Cliente molto soddisfatto qui.",
        ],
    },
    "closers": {
        "negative": ["Risolvete subito, per favore.", "Mi aspetto una risposta oggi.", ""],
        "neutral": ["Cordiali saluti.", "Saluti, Marco.", ""],
        "positive": ["Grazie ancora, molto gentili!", "Buona giornata!", ""],
    },
    "problems": {
        "billing": [
            "La fattura {order} di {month} addebita due volte {amount} EUR per {product}.",
            "Sulla carta mi sono stati addebitati {amount} EUR a {month}, ma l'ordine {order} "
            "riporta un prezzo più basso.",
            "Inviate una fattura corretta per l'ordine {order}, l'IVA su {amount} è sbagliata.",
        ],
        "access": [
            "Non riesco ad accedere all'account {user}, la mail per reimpostare la password "
            "non arriva mai.",
            "L'utente {user} è bloccato, il codice a due fattori è stato rifiutato con {code}.",
            "La pagina di accesso mostra l'errore {code} quando {user} inserisce la password.",
        ],
        "delivery": [
            "L'ordine {order} con {product} non è arrivato, il tracciamento è fermo da {month}.",
            "Il pacco dell'ordine {order} è stato consegnato all'indirizzo sbagliato.",
            "Dov'è la mia spedizione {order}? Mi avevate promesso {product} per {month}.",
        ],
        "defect": [
            "Dopo un riavvio {product} non funziona più e mostra l'errore {code}.",
            "Dall'aggiornamento {product} si blocca con il codice {code} ogni pochi minuti.",
            "{product} è guasto: si blocca e visualizza {code}.",
        ],
        "cancellation": [
            "Vi prego di disdire il mio abbonamento {order} a {product} alla fine di {month}.",
            "Voglio chiudere il contratto {order} e avere un rimborso di {amount} EUR.",
            "Come posso disdire {product}? Il contratto {order} deve finire a {month}.",
        ],
        "howto": [
            "Come posso esportare i dati dell'account {user} da {product} in un foglio di calcolo?",
            "Esiste una guida per configurare {product} per un secondo utente come {user}?",
            "Potete spiegare come può {user} cambiare la lingua in {product}?",
        ],
    },
}

NL: dict[str, object] = {
    "products": [
        "de Aero 5-router",
        "de NovaPrint X2",
        "de mobiele app",
        "het Pro-abonnement",
        "de bureauscanner",
        "de slimme thermostaat",
        "de webwinkel",
        "de teamlicentie",
    ],
    "months": ["januari", "maart", "april", "juni", "september", "november"],
    "openers": {
        "negative": [
            "Ik ben echt teleurgesteld.",
            "Dit is onacceptabel en erg frustrerend.",
            "Ik ben boos, dit is al de derde keer dat ik schrijf.",
            "Jullie service is waardeloos.",
            "Eerlijk gezegd is dit vreselijk.",
        ],
        "neutral": ["Hallo,", "Goedemorgen,", "Beste klantenservice,", "Goedemiddag,", "Hoi team,"],
        "positive": [
            "Heel erg bedankt voor de hulp van vorige week!",
            "Ik vind jullie service geweldig, dank jullie wel!",
            "Mooi werk met de laatste update.",
            "Jullie waren tot nu toe fantastisch, bedankt.",
            "Zeer tevreden klant hier.",
        ],
    },
    "closers": {
        "negative": ["Los dit alsjeblieft meteen op.", "Ik verwacht vandaag een antwoord.", ""],
        "neutral": ["Met vriendelijke groet.", "Groeten, Daan.", ""],
        "positive": ["Nogmaals bedankt, top!", "Fijne dag nog!", ""],
    },
    "problems": {
        "billing": [
            "Factuur {order} van {month} rekent {amount} EUR dubbel voor {product}.",
            "Mijn kaart is in {month} met {amount} EUR belast, maar bestelling {order} "
            "toont een lagere prijs.",
            "Stuur een verbeterde factuur voor bestelling {order}, de btw over {amount} "
            "klopt niet.",
        ],
        "access": [
            "Ik kan niet inloggen op account {user}, de mail om het wachtwoord te herstellen "
            "komt nooit aan.",
            "Gebruiker {user} is geblokkeerd, de code voor tweestapsverificatie werd "
            "geweigerd met {code}.",
            "De inlogpagina toont fout {code} als {user} het wachtwoord invoert.",
        ],
        "delivery": [
            "Bestelling {order} met {product} is niet aangekomen, de tracking staat sinds "
            "{month} stil.",
            "Het pakket van bestelling {order} is op het verkeerde adres bezorgd.",
            "Waar blijft mijn zending {order}? {product} was beloofd voor {month}.",
        ],
        "defect": [
            "Na een herstart werkt {product} niet meer en toont het fout {code}.",
            "Sinds de update loopt {product} om de paar minuten vast met code {code}.",
            "{product} is kapot: het bevriest en geeft {code} weer.",
        ],
        "cancellation": [
            "Zeg alstublieft mijn abonnement {order} op {product} op tegen het einde van {month}.",
            "Ik wil contract {order} beëindigen en {amount} EUR terugkrijgen.",
            "Hoe zeg ik {product} op? Contract {order} moet in {month} stoppen.",
        ],
        "howto": [
            "Hoe kan ik de gegevens van account {user} uit {product} naar een "
            "spreadsheet exporteren?",
            "Is er een handleiding om {product} in te stellen voor een tweede gebruiker "
            "zoals {user}?",
            "Kunnen jullie uitleggen hoe {user} de taal in {product} verandert?",
        ],
    },
}

LANGS = {"it": IT, "nl": NL}
