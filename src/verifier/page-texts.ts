// Every word of the public verifier pages, in Dutch and English.
import type { CheckId, CheckStatus, Verdict } from '../verification/checks.ts';
import { waitText } from './wait-text.ts';

export interface VerifierTexts {
  otherLanguage: string;
  title: string;
  intro: string;
  scan: {
    heading: string;
    noScript: string;
    start: string;
    stop: string;
    photo: string;
    photoHint: string;
    starting: string;
    looking: string;
    noCamera: string;
    notOurs: string;
    notFoundInImage: string;
    found: string;
  };
  number: {
    heading: string;
    intro: string;
    number: string;
    numberHint: string;
    letters: string;
    lettersHint: string;
    submit: string;
  };
  upload: {
    heading: string;
    intro: string;
    file: string;
    fileHint: string;
    submit: string;
    tooLarge: string;
  };
  qr: { heading: string; checking: string; noSecret: string; submit: string };
  result: {
    title: string;
    verdictIntro: Record<Verdict, string>;
    keyCompromisedIntro: string;
    notYetValidIntro: string;
    dataHeading: string;
    dataUnverified: string;
    /** revoked or withdrawn: the holder consented to the number and the verdict only */
    dataRevoked: string;
    /** superseded, suspended, unknown: the data cannot be confirmed as in force */
    dataNotInForce: string;
    /** a passed check of the credential inside a file whose seal or binding failed */
    embeddedOnlyStatus: string;
    embeddedOnlyNote: string;
    name: string;
    birthDate: string;
    qualification: string;
    code: string;
    institution: string;
    institutionCode: string;
    awardDate: string;
    level: string;
    checksHeading: string;
    checkNames: Record<CheckId, string>;
    /** the PDF seal's check (a second 'signature' check) */
    sealName: string;
    statusNames: Record<CheckStatus, string>;
    file: string;
    checkedAt: string;
    print: string;
    again: string;
  };
  report: {
    heading: string;
    intro: string;
    message: string;
    messageHint: string;
    contact: string;
    contactHint: string;
    submit: string;
    thanksTitle: string;
    thanks: (reference: string) => string;
    expired: string;
    messageMissing: string;
    contactInvalid: string;
    /** the heading of the error summary above the report form */
    notSent: string;
  };
  errors: {
    title: string;
    notFound: string;
    /** how long to wait, in seconds (Retry-After) */
    tooMany: (seconds: number) => string;
    missingInput: string;
    noFile: string;
    tooLarge: (megabytes: number) => string;
    uploadUnavailable: string;
    /** a form posted from another website (Origin not ours): refused, nothing done */
    foreignOriginTitle: string;
    foreignOrigin: string;
  };
}

const checkNamesNl: Record<CheckId, string> = {
  format: 'Opbouw',
  signature: 'Handtekening',
  issuer: 'Uitgever',
  status: 'Status',
  validity: 'Geldigheid',
  register: 'Register',
  binding: 'Document hoort bij gegevens',
};
const checkNamesEn: Record<CheckId, string> = {
  format: 'Format',
  signature: 'Signature',
  issuer: 'Issuer',
  status: 'Status',
  validity: 'Validity',
  register: 'Register',
  binding: 'Document matches data',
};

export const verifierTexts: Record<'nl' | 'en', VerifierTexts> = {
  nl: {
    otherLanguage: 'English',
    title: 'Diploma controleren',
    intro: 'Controleer of een uittreksel uit het diplomaregister echt is, niet is veranderd en niet is ingetrokken. Kies een van de drie manieren.',
    scan: {
      heading: 'QR-code scannen',
      noScript: 'Scan de QR-code op het uittreksel met de camera van uw telefoon. De link opent deze controle vanzelf.',
      start: 'Camera starten',
      stop: 'Camera stoppen',
      photo: 'Of kies een foto van de QR-code',
      photoHint: 'Een foto of schermafbeelding met de hele QR-code erop.',
      starting: 'Camera wordt gestart…',
      looking: 'Houd de QR-code voor de camera.',
      noCamera: 'De camera kan niet worden gebruikt. Kies een foto van de QR-code, of typ het nummer hieronder in.',
      notOurs: 'Deze QR-code hoort niet bij een uittreksel uit het diplomaregister. Een echt uittreksel verwijst naar deze website.',
      notFoundInImage: 'Er is geen QR-code gevonden op deze foto. Probeer een scherpere foto waarop de hele code staat.',
      found: 'QR-code gevonden. Het uittreksel wordt gecontroleerd…',
    },
    number: {
      heading: 'Nummer invoeren',
      intro: 'Het uittrekselnummer staat onder aan elke pagina van het uittreksel.',
      number: 'Uittrekselnummer',
      numberHint: '14 tekens, bijvoorbeeld 7KQ4-M2XP-9TJH-RC. Streepjes en spaties mogen.',
      letters: 'Eerste twee letters van de achternaam',
      lettersHint: 'Van de houder van het diploma, bijvoorbeeld “Ja” voor Jansen of “Be” voor van den Berg.',
      submit: 'Controleren',
    },
    upload: {
      heading: 'PDF uploaden',
      intro: 'Upload het uittreksel zoals u het hebt ontvangen (PDF, ten hoogste 5 MB). Wij controleren ook het zegel van het bestand.',
      file: 'PDF-bestand',
      fileHint: 'Het originele bestand, niet een scan of een afdruk.',
      submit: 'Uploaden en controleren',
      tooLarge: 'Dit bestand is groter dan 5 MB. Een echt uittreksel is veel kleiner.',
    },
    qr: {
      heading: 'Uittreksel controleren',
      checking: 'Het uittreksel wordt gecontroleerd…',
      noSecret: 'De geheime code uit de QR-code ontbreekt. Scan de QR-code opnieuw, of vul hieronder de eerste twee letters van de achternaam in.',
      submit: 'Controleren',
    },
    result: {
      title: 'Uitslag van de controle',
      verdictIntro: {
        authentic: 'Dit uittreksel is echt, onveranderd en geldig. De gegevens hieronder komen uit het diplomaregister.',
        revoked: 'Dit uittreksel is ingetrokken. Het is niet meer geldig; vraag de houder om een nieuw uittreksel.',
        superseded: 'Dit uittreksel is vervangen, omdat het diploma in het register is gecorrigeerd. Vraag de houder om een nieuw uittreksel.',
        suspended: 'Dit uittreksel is tijdelijk geschorst terwijl er onderzoek loopt. Vertrouw er nu niet op.',
        not_authentic: 'Dit uittreksel is niet echt of is veranderd. Vertrouw de gegevens niet en meld een vermoeden van vervalsing.',
        unknown: 'De status kon nu niet worden vastgesteld. Vertrouw er nog niet op en probeer het over een paar minuten opnieuw.',
        unreadable:
          'Kon niet worden gecontroleerd — dit is geen leesbaar uittreksel. Het bestand is geen PDF, is beschadigd, of heeft niet het digitale zegel en bewijs dat elk uittreksel uit het register heeft. Accepteer het zo niet als bewijs: vraag de houder om het originele PDF-bestand, of controleer met de QR-code of het uittrekselnummer.',
      },
      keyCompromisedIntro: 'Dit uittreksel is ondertekend met een sleutel die het diplomaregister niet meer vertrouwt. Dat ligt niet aan de houder: vraag de houder om een nieuw uittreksel.',
      notYetValidIntro: 'Dit uittreksel is volgens zijn eigen gegevens nog niet geldig. Controleer of de klok van uw apparaat goed staat en probeer het opnieuw; klopt het dan nog niet, vertrouw het uittreksel dan niet.',
      dataHeading: 'Gegevens uit het register',
      dataUnverified: 'Er worden geen gegevens getoond, omdat niet vaststaat dat ze van het diplomaregister komen.',
      dataRevoked: 'Dit uittreksel is ingetrokken. Daarna toont het register alleen het nummer en de uitslag, geen naam of andere gegevens.',
      dataNotInForce: 'Er worden geen gegevens getoond, omdat dit uittreksel nu niet als geldig kan worden bevestigd.',
      embeddedOnlyStatus: 'In orde, alleen voor het bewijs in het bestand',
      embeddedOnlyNote:
        'Let op: het bestand zelf is veranderd, of hoort niet bij het digitale bewijs dat erin zit. Wat hieronder “in orde, alleen voor het bewijs in het bestand” heet, geldt alleen voor dat ingesloten bewijs, niet voor het bestand dat u hebt geüpload.',
      name: 'Naam',
      birthDate: 'Geboortedatum',
      qualification: 'Diploma',
      code: 'Opleidingscode',
      institution: 'Instelling',
      institutionCode: 'Instellingscode',
      awardDate: 'Datum diploma',
      level: 'Niveau',
      checksHeading: 'Wat er is gecontroleerd',
      checkNames: checkNamesNl,
      sealName: 'Zegel van het bestand',
      statusNames: { passed: 'In orde', failed: 'Niet in orde', warning: 'Let op', skipped: 'Niet gecontroleerd' },
      file: 'Bestand (SHA-256)',
      checkedAt: 'Gecontroleerd op',
      print: 'Afdrukken',
      again: 'Nog een diploma controleren',
    },
    report: {
      heading: 'Vermoeden van vervalsing melden',
      intro: 'Uw melding gaat met de uitslag van deze controle naar de onderzoekers van het diplomaregister.',
      message: 'Uw melding',
      messageHint: 'Wat is er aan de hand? Bijvoorbeeld hoe u het uittreksel hebt gekregen. Ten hoogste 4000 tekens.',
      contact: 'E-mailadres (niet verplicht)',
      contactHint: 'Alleen als u wilt dat een onderzoeker contact met u opneemt.',
      submit: 'Melding versturen',
      thanksTitle: 'Melding ontvangen',
      thanks: (reference) => `Dank u. Uw melding is ontvangen onder kenmerk ${reference}. Noem dit kenmerk als u contact met ons opneemt.`,
      expired: 'Deze controle is te lang geleden om nog te melden. Controleer het uittreksel opnieuw en meld het dan.',
      messageMissing: 'Beschrijf kort wat er aan de hand is (ten hoogste 4000 tekens).',
      contactInvalid: 'Dit is geen geldig e-mailadres. Laat het veld leeg of vul een adres in zoals naam@voorbeeld.nl.',
      notSent: 'Melding niet verstuurd',
    },
    errors: {
      title: 'Controle niet gelukt',
      notFound: 'Er is geen uittreksel met dit nummer en deze letters. Controleer het nummer en de eerste twee letters van de achternaam, of scan de QR-code.',
      tooMany: (seconds) => `Te veel pogingen. Probeer het over ${waitText(seconds, 'nl')} opnieuw, of scan de QR-code op het uittreksel.`,
      missingInput: 'Vul het uittrekselnummer en de eerste twee letters van de achternaam in.',
      noFile: 'Kies een PDF-bestand om te uploaden.',
      tooLarge: (mb) => `Dit bestand is groter dan ${mb} MB. Een echt uittreksel is veel kleiner; upload het originele bestand.`,
      uploadUnavailable: 'Een PDF controleren kan op dit moment niet. Scan de QR-code of typ het nummer in.',
      foreignOriginTitle: 'Formulier niet aangenomen',
      foreignOrigin: 'Dit formulier is verstuurd vanaf een andere website dan het diplomaregister. Daarom is er niets mee gedaan. Open de controle op de website van het diplomaregister zelf en probeer het daar opnieuw.',
    },
  },
  en: {
    otherLanguage: 'Nederlands',
    title: 'Check a diploma',
    intro: 'Check that an extract from the Dutch diploma register is genuine, unaltered and not revoked. Choose one of three ways.',
    scan: {
      heading: 'Scan the QR code',
      noScript: 'Scan the QR code on the extract with your phone’s camera. The link opens this check by itself.',
      start: 'Start camera',
      stop: 'Stop camera',
      photo: 'Or choose a photo of the QR code',
      photoHint: 'A photo or screenshot showing the whole QR code.',
      starting: 'Starting the camera…',
      looking: 'Hold the QR code in front of the camera.',
      noCamera: 'The camera cannot be used. Choose a photo of the QR code, or type the number below.',
      notOurs: 'This QR code does not belong to an extract from the diploma register. A genuine extract points to this website.',
      notFoundInImage: 'No QR code was found in this photo. Try a sharper photo showing the whole code.',
      found: 'QR code found. Checking the extract…',
    },
    number: {
      heading: 'Enter the number',
      intro: 'The extract number is at the bottom of every page of the extract.',
      number: 'Extract number',
      numberHint: '14 characters, for example 7KQ4-M2XP-9TJH-RC. Dashes and spaces are fine.',
      letters: 'First two letters of the surname',
      lettersHint: 'Of the diploma holder, for example “Ja” for Jansen or “Be” for van den Berg.',
      submit: 'Check',
    },
    upload: {
      heading: 'Upload the PDF',
      intro: 'Upload the extract as you received it (PDF, at most 5 MB). We also check the file’s seal.',
      file: 'PDF file',
      fileHint: 'The original file, not a scan or a printout.',
      submit: 'Upload and check',
      tooLarge: 'This file is larger than 5 MB. A genuine extract is much smaller.',
    },
    qr: {
      heading: 'Checking the extract',
      checking: 'Checking the extract…',
      noSecret: 'The secret code from the QR code is missing. Scan the QR code again, or enter the first two letters of the surname below.',
      submit: 'Check',
    },
    result: {
      title: 'Result of the check',
      verdictIntro: {
        authentic: 'This extract is genuine, unaltered and valid. The data below comes from the diploma register.',
        revoked: 'This extract has been revoked. It is no longer valid; ask the holder for a new extract.',
        superseded: 'This extract has been replaced because the diploma was corrected in the register. Ask the holder for a new extract.',
        suspended: 'This extract is suspended while it is being investigated. Do not rely on it for now.',
        not_authentic: 'This extract is not genuine or has been altered. Do not trust its data, and report a suspected forgery.',
        unknown: 'Its status could not be established right now. Do not rely on it yet, and try again in a few minutes.',
        unreadable:
          'Could not be checked — this is not a readable extract. The file is not a PDF, is damaged, or lacks the digital seal and credential every extract from the register carries. Do not accept it as proof as it is: ask the holder for the original PDF file, or check with the QR code or the extract number.',
      },
      keyCompromisedIntro: 'This extract was signed with a key the diploma register no longer trusts. This is not the holder’s doing: ask the holder for a new extract.',
      notYetValidIntro: 'By its own data this extract is not valid yet. Check that your device’s clock is right and try again; if it still fails, do not rely on the extract.',
      dataHeading: 'Data from the register',
      dataUnverified: 'No data is shown, because it is not established that it comes from the diploma register.',
      dataRevoked: 'This extract has been revoked. After that the register shows only the number and the verdict, no name or other data.',
      dataNotInForce: 'No data is shown, because this extract cannot be confirmed as valid right now.',
      embeddedOnlyStatus: 'Passed for the embedded credential only',
      embeddedOnlyNote:
        'Note: the file itself was changed, or does not belong with the digital credential inside it. What is marked “passed for the embedded credential only” below holds for that credential alone, not for the file you uploaded.',
      name: 'Name',
      birthDate: 'Date of birth',
      qualification: 'Qualification',
      code: 'Programme code',
      institution: 'Institution',
      institutionCode: 'Institution code',
      awardDate: 'Date awarded',
      level: 'Level',
      checksHeading: 'What was checked',
      checkNames: checkNamesEn,
      sealName: 'Seal of the file',
      statusNames: { passed: 'Passed', failed: 'Failed', warning: 'Warning', skipped: 'Not checked' },
      file: 'File (SHA-256)',
      checkedAt: 'Checked at',
      print: 'Print',
      again: 'Check another diploma',
    },
    report: {
      heading: 'Report suspected forgery',
      intro: 'Your report goes to the diploma register’s investigators together with the result of this check.',
      message: 'Your report',
      messageHint: 'What is going on? For example, how you received the extract. At most 4000 characters.',
      contact: 'Email address (optional)',
      contactHint: 'Only if you want an investigator to contact you.',
      submit: 'Send report',
      thanksTitle: 'Report received',
      thanks: (reference) => `Thank you. Your report has been received under reference ${reference}. Please quote it if you contact us.`,
      expired: 'This check was too long ago to report. Check the extract again, then report it.',
      messageMissing: 'Briefly describe what is going on (at most 4000 characters).',
      contactInvalid: 'This is not a valid email address. Leave the field empty or enter an address like name@example.com.',
      notSent: 'Report not sent',
    },
    errors: {
      title: 'Check not completed',
      notFound: 'There is no extract with this number and these letters. Check the number and the first two letters of the surname, or scan the QR code.',
      tooMany: (seconds) => `Too many attempts. Try again in ${waitText(seconds, 'en')}, or scan the QR code on the extract.`,
      missingInput: 'Enter the extract number and the first two letters of the surname.',
      noFile: 'Choose a PDF file to upload.',
      tooLarge: (mb) => `This file is larger than ${mb} MB. A genuine extract is much smaller; upload the original file.`,
      uploadUnavailable: 'Checking a PDF is not possible right now. Scan the QR code or type the number instead.',
      foreignOriginTitle: 'Form not accepted',
      foreignOrigin: 'This form was sent from a website other than the diploma register, so nothing was done with it. Open the check on the diploma register’s own website and try again there.',
    },
  },
};
