"""Hand-written templates and vocabulary: French and Spanish."""

from __future__ import annotations

FR: dict[str, object] = {
    "products": [
        "le routeur Aero 5",
        "la NovaPrint X2",
        "l'application mobile",
        "l'offre Pro",
        "le scanner de bureau",
        "le thermostat connecté",
        "la boutique en ligne",
        "la licence d'équipe",
    ],
    "months": ["janvier", "mars", "avril", "juin", "septembre", "novembre"],
    "openers": {
        "negative": [
            "Je suis vraiment déçu.",
            "C'est inacceptable et très frustrant.",
            "Je suis en colère, c'est la troisième fois que j'écris.",
            "Votre service est lamentable.",
            "Franchement, c'est scandaleux.",
        ],
        "neutral": [
            "Bonjour,",
            "Madame, Monsieur,",
            "Bonjour à l'équipe,",
            "Bonsoir,",
            "Bonjour le support,",
        ],
        "positive": [
            "Merci beaucoup pour votre aide la semaine dernière !",
            "J'adore votre service, merci !",
            "Bravo pour la dernière mise à jour.",
            "Vous avez été formidables jusqu'ici, merci.",
            "Client très satisfait ici.",
        ],
    },
    "closers": {
        "negative": ["Corrigez cela immédiatement.", "J'attends une réponse aujourd'hui.", ""],
        "neutral": ["Cordialement.", "Bien à vous, Camille.", ""],
        "positive": ["Encore merci, c'est très apprécié !", "Bonne journée !", ""],
    },
    "problems": {
        "billing": [
            "La facture {order} de {month} compte deux fois {amount} EUR pour {product}.",
            "Ma carte a été débitée de {amount} EUR en {month} alors que la commande {order} "
            "indique un prix plus bas.",
            "Merci d'envoyer une facture corrigée pour la commande {order}, la TVA sur "
            "{amount} est fausse.",
        ],
        "access": [
            "Je n'arrive pas à me connecter au compte {user}, le mail de réinitialisation "
            "du mot de passe n'arrive jamais.",
            "L'utilisateur {user} est bloqué, le code à deux facteurs a été refusé avec {code}.",
            "La page de connexion affiche l'erreur {code} quand {user} saisit son mot de passe.",
        ],
        "delivery": [
            "La commande {order} avec {product} n'est pas arrivée, le suivi est bloqué "
            "depuis {month}.",
            "Le colis de la commande {order} a été livré à la mauvaise adresse.",
            "Où est mon envoi {order} ? Vous aviez promis {product} pour {month}.",
        ],
        "defect": [
            "Après un redémarrage, {product} ne fonctionne plus et affiche l'erreur {code}.",
            "Depuis la mise à jour, {product} plante avec le code {code} toutes les minutes.",
            "{product} est en panne : il se fige et indique {code}.",
        ],
        "cancellation": [
            "Veuillez résilier mon abonnement {order} à {product} à la fin de {month}.",
            "Je souhaite mettre fin au contrat {order} et être remboursé de {amount} EUR.",
            "Comment résilier {product} ? Le contrat {order} doit s'arrêter en {month}.",
        ],
        "howto": [
            "Comment exporter les données du compte {user} de {product} vers un tableur ?",
            "Existe-t-il un guide pour configurer {product} pour un deuxième utilisateur "
            "comme {user} ?",
            "Pouvez-vous expliquer comment {user} peut changer la langue dans {product} ?",
        ],
    },
}

ES: dict[str, object] = {
    "products": [
        "el router Aero 5",
        "la NovaPrint X2",
        "la aplicación móvil",
        "el plan Pro",
        "el escáner de escritorio",
        "el termostato inteligente",
        "la tienda online",
        "la licencia de equipo",
    ],
    "months": ["enero", "marzo", "abril", "junio", "septiembre", "noviembre"],
    "openers": {
        "negative": [
            "Estoy muy decepcionado.",
            "Esto es inaceptable y muy frustrante.",
            "Estoy enfadado, es la tercera vez que escribo.",
            "Su servicio es pésimo.",
            "Sinceramente, esto es horrible.",
        ],
        "neutral": [
            "Hola,",
            "Buenos días,",
            "Estimado equipo de soporte,",
            "Buenas tardes,",
            "Hola equipo,",
        ],
        "positive": [
            "¡Muchas gracias por la ayuda de la semana pasada!",
            "Me encanta su servicio, ¡gracias!",
            "Excelente trabajo con la última actualización.",
            "Han sido maravillosos hasta ahora, gracias.",
            "Cliente muy contento por aquí.",
        ],
    },
    "closers": {
        "negative": ["Arréglenlo ya, por favor.", "Espero una respuesta hoy mismo.", ""],
        "neutral": ["Saludos.", "Un saludo, Lucía.", ""],
        "positive": ["¡Gracias de nuevo, muy amables!", "¡Que tengan un buen día!", ""],
    },
    "problems": {
        "billing": [
            "La factura {order} de {month} cobra dos veces {amount} EUR por {product}.",
            "Me cargaron {amount} EUR en la tarjeta en {month}, pero el pedido {order} "
            "muestra un precio menor.",
            "Envíen una factura corregida del pedido {order}, el IVA sobre {amount} está mal.",
        ],
        "access": [
            "No puedo iniciar sesión con la cuenta {user}, el correo para restablecer la "
            "contraseña nunca llega.",
            "El usuario {user} está bloqueado, el código de doble factor fue rechazado con {code}.",
            "La página de acceso muestra el error {code} cuando {user} escribe la contraseña.",
        ],
        "delivery": [
            "El pedido {order} con {product} no ha llegado, el seguimiento está parado "
            "desde {month}.",
            "El paquete del pedido {order} se entregó en una dirección equivocada.",
            "¿Dónde está mi envío {order}? Me prometieron {product} para {month}.",
        ],
        "defect": [
            "Después de reiniciar, {product} deja de funcionar y muestra el error {code}.",
            "Desde la actualización, {product} se cierra con el código {code} cada pocos minutos.",
            "{product} está averiado: se congela y muestra {code}.",
        ],
        "cancellation": [
            "Por favor, cancelen mi suscripción {order} a {product} a finales de {month}.",
            "Quiero terminar el contrato {order} y recibir un reembolso de {amount} EUR.",
            "¿Cómo doy de baja {product}? El contrato {order} debe terminar en {month}.",
        ],
        "howto": [
            "¿Cómo puedo exportar los datos de la cuenta {user} de {product} "
            "a una hoja de cálculo?",
            "¿Hay una guía para configurar {product} para un segundo usuario como {user}?",
            "¿Pueden explicar cómo puede {user} cambiar el idioma en {product}?",
        ],
    },
}

LANGS = {"fr": FR, "es": ES}
