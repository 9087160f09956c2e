// Demo reference data: programmes (opleidingen) per sector.
// vo: programme tokens; mbo: crebo codes (kwalificaties); hbo/wo: CROHO codes.
// Plain, deterministic constants.
import type { DemoProfile, DemoProgramme } from './types.ts';

// ---------------------------------------------------------------- vo profiles
const havoVwoProfiles: DemoProfile[] = [
  { code: 'CM', nameNl: 'Cultuur en Maatschappij', nameEn: 'Culture and Society' },
  { code: 'EM', nameNl: 'Economie en Maatschappij', nameEn: 'Economics and Society' },
  { code: 'NG', nameNl: 'Natuur en Gezondheid', nameEn: 'Science and Health' },
  { code: 'NT', nameNl: 'Natuur en Techniek', nameEn: 'Science and Technology' },
];

// The ten vmbo beroepsgerichte profielen (since 2016), taken in the basis-, kader- and gemengde leerweg.
const vmboProfiles: DemoProfile[] = [
  { code: 'BWI', nameNl: 'Bouwen, wonen en interieur', nameEn: 'Construction, housing and interior' },
  { code: 'PIE', nameNl: 'Produceren, installeren en energie', nameEn: 'Production, installation and energy' },
  { code: 'MT', nameNl: 'Mobiliteit en transport', nameEn: 'Mobility and transport' },
  { code: 'MET', nameNl: 'Maritiem en techniek', nameEn: 'Maritime and technology' },
  { code: 'MVI', nameNl: 'Media, vormgeving en ICT', nameEn: 'Media, design and ICT' },
  { code: 'ZW', nameNl: 'Zorg en welzijn', nameEn: 'Care and welfare' },
  { code: 'EO', nameNl: 'Economie en ondernemen', nameEn: 'Economics and entrepreneurship' },
  { code: 'HBR', nameNl: 'Horeca, bakkerij en recreatie', nameEn: 'Hospitality, bakery and recreation' },
  { code: 'DP', nameNl: 'Dienstverlening en producten', nameEn: 'Services and products' },
  { code: 'GR', nameNl: 'Groen', nameEn: 'Agriculture and green sector' },
];

// The theoretische leerweg has no beroepsgericht profiel; the diploma names a sector.
const vmboTlSectors: DemoProfile[] = [
  { code: 'TECH', nameNl: 'Techniek', nameEn: 'Technology' },
  { code: 'ZW', nameNl: 'Zorg en welzijn', nameEn: 'Care and welfare' },
  { code: 'ECON', nameNl: 'Economie', nameEn: 'Economics' },
  { code: 'LB', nameNl: 'Landbouw', nameEn: 'Agriculture' },
];

// ---------------------------------------------------------------- vo
const vo: DemoProgramme[] = [
  {
    codeType: 'vo', code: 'VMBO-BB', sector: 'vo', nlqf: '1', eqf: 1,
    nameNl: 'vmbo basisberoepsgerichte leerweg',
    nameEn: 'pre-vocational secondary education, basic vocational track',
    profiles: vmboProfiles,
  },
  {
    codeType: 'vo', code: 'VMBO-KB', sector: 'vo', nlqf: '2', eqf: 2,
    nameNl: 'vmbo kaderberoepsgerichte leerweg',
    nameEn: 'pre-vocational secondary education, advanced vocational track',
    profiles: vmboProfiles,
  },
  {
    codeType: 'vo', code: 'VMBO-GL', sector: 'vo', nlqf: '2', eqf: 2,
    nameNl: 'vmbo gemengde leerweg',
    nameEn: 'pre-vocational secondary education, combined track',
    profiles: vmboProfiles,
  },
  {
    codeType: 'vo', code: 'VMBO-TL', sector: 'vo', nlqf: '2', eqf: 2,
    nameNl: 'vmbo theoretische leerweg (mavo)',
    nameEn: 'pre-vocational secondary education, theoretical track',
    profiles: vmboTlSectors,
  },
  {
    codeType: 'vo', code: 'HAVO', sector: 'vo', nlqf: '4', eqf: 4,
    nameNl: 'havo',
    nameEn: 'senior general secondary education (havo)',
    profiles: havoVwoProfiles,
  },
  {
    codeType: 'vo', code: 'VWO', sector: 'vo', nlqf: '4+', eqf: 4,
    nameNl: 'vwo (atheneum)',
    nameEn: 'pre-university education (vwo)',
    profiles: havoVwoProfiles,
  },
];

// ---------------------------------------------------------------- mbo (crebo)
const mbo = (code: string, level: 1 | 2 | 3 | 4, nameNl: string, nameEn: string): DemoProgramme => ({
  codeType: 'crebo',
  code,
  sector: 'mbo',
  nlqf: String(level) as '1' | '2' | '3' | '4',
  eqf: level,
  nameNl,
  nameEn,
});

const mboProgrammes: DemoProgramme[] = [
  // Entree (niveau 1)
  mbo('25253', 1, 'Entree – assistent bakkerij', 'Entry level – bakery assistant'),
  mbo('25254', 1, 'Entree – assistent dienstverlening en zorg', 'Entry level – services and care assistant'),
  mbo('25255', 1, 'Entree – assistent logistiek', 'Entry level – logistics assistant'),
  mbo('25256', 1, 'Entree – assistent horeca, voeding of voedingsindustrie', 'Entry level – hospitality and food assistant'),
  mbo('25257', 1, 'Entree – assistent verkoop/retail', 'Entry level – retail assistant'),
  mbo('25258', 1, 'Entree – assistent bouwen, wonen en onderhoud', 'Entry level – construction and maintenance assistant'),
  // niveau 2
  mbo('25180', 2, 'Kok', 'Cook'),
  mbo('25498', 2, 'Helpende zorg en welzijn', 'Care and welfare assistant'),
  mbo('25389', 2, 'Medewerker logistiek', 'Logistics employee'),
  mbo('25417', 2, 'Verkoopmedewerker', 'Sales assistant'),
  mbo('25305', 2, 'Monteur elektrotechnische installaties', 'Electrical installation fitter'),
  mbo('25224', 2, 'Timmerman', 'Carpenter'),
  mbo('25194', 2, 'Bakker', 'Baker'),
  mbo('25160', 2, 'Kapper', 'Hairdresser'),
  mbo('25405', 2, 'Medewerker facilitaire dienstverlening', 'Facility services employee'),
  mbo('25271', 2, 'Autotechnicus', 'Automotive technician'),
  // niveau 3
  mbo('25181', 3, 'Zelfstandig werkend kok', 'Independent cook'),
  mbo('25491', 3, 'Verzorgende-IG', 'Certified care worker'),
  mbo('25304', 3, 'Eerste monteur elektrotechnische installaties', 'Senior electrical installation fitter'),
  mbo('25486', 3, 'Pedagogisch medewerker kinderopvang', 'Childcare worker'),
  mbo('25272', 3, 'Eerste autotechnicus', 'Senior automotive technician'),
  mbo('25226', 3, 'Allround timmerman', 'All-round carpenter'),
  mbo('25390', 3, 'Logistiek teamleider', 'Logistics team leader'),
  mbo('25161', 3, 'Allround kapper', 'All-round hairdresser'),
  mbo('25419', 3, 'Eerste verkoper', 'Senior sales assistant'),
  mbo('25322', 3, 'Allround medewerker IT systems and devices', 'All-round IT systems and devices employee'),
  mbo('25409', 3, 'Tandartsassistent', 'Dental assistant'),
  // niveau 4
  mbo('25655', 4, 'Verpleegkundige', 'Nurse'),
  mbo('25604', 4, 'Software developer', 'Software developer'),
  mbo('25407', 4, 'Doktersassistent', "Doctor's assistant"),
  mbo('25404', 4, 'Juridisch medewerker zakelijke dienstverlening', 'Legal assistant, business services'),
  mbo('25485', 4, 'Onderwijsassistent', 'Teaching assistant'),
  mbo('25480', 4, 'Sociaal werker', 'Social worker'),
  mbo('25408', 4, 'Apothekersassistent', 'Pharmacy assistant'),
  mbo('25182', 4, 'Gespecialiseerd kok', 'Specialised cook'),
  mbo('25406', 4, 'Bedrijfsadministrateur', 'Business administrator'),
  mbo('25440', 4, 'Mediavormgever', 'Media designer'),
  mbo('25306', 4, 'Technicus elektrotechnische installaties', 'Electrical installations technician'),
  mbo('25273', 4, "Technisch specialist personenauto's", 'Technical specialist passenger cars'),
  mbo('25185', 4, 'Manager/ondernemer horeca', 'Hospitality manager/entrepreneur'),
  mbo('25445', 4, 'Medewerker marketing en communicatie', 'Marketing and communication employee'),
  mbo('25507', 4, 'Laboratoriumanalist', 'Laboratory analyst'),
  mbo('25451', 4, 'Coördinator sport, bewegen en gezondheid', 'Coordinator sport, exercise and health'),
  mbo('25400', 4, 'Management assistant', 'Management assistant'),
  mbo('25232', 4, 'Middenkaderfunctionaris bouw', 'Middle management construction'),
  mbo('25323', 4, 'Expert IT systems and devices', 'Expert IT systems and devices'),
  mbo('25478', 4, 'Persoonlijk begeleider gehandicaptenzorg', 'Personal support worker disability care'),
  mbo('25487', 4, 'Gespecialiseerd pedagogisch medewerker kinderopvang', 'Specialised childcare worker'),
  mbo('25420', 4, 'Manager retail', 'Retail manager'),
];

// ---------------------------------------------------------------- hbo / wo (CROHO)
const croho = (code: string, sector: 'hbo' | 'wo', level: 5 | 6 | 7, nameNl: string, nameEn: string): DemoProgramme => ({
  codeType: 'croho',
  code,
  sector,
  nlqf: String(level) as '5' | '6' | '7',
  eqf: level,
  nameNl,
  nameEn,
});

const hboProgrammes: DemoProgramme[] = [
  // bachelors
  croho('34560', 'hbo', 6, 'B Verpleegkunde', 'Bachelor of Nursing'),
  croho('30020', 'hbo', 6, 'B HBO-ICT', 'Bachelor of ICT'),
  croho('34808', 'hbo', 6, 'B Leraar Basisonderwijs (pabo)', 'Bachelor of Education in Primary Teaching'),
  croho('34166', 'hbo', 6, 'B Social Work', 'Bachelor of Social Work'),
  croho('34594', 'hbo', 6, 'B Pedagogiek', 'Bachelor of Education in Pedagogy'),
  croho('34035', 'hbo', 6, 'B Bedrijfskunde', 'Bachelor of Business Administration'),
  croho('34410', 'hbo', 6, 'B Commerciële Economie', 'Bachelor of Commercial Economics'),
  croho('34406', 'hbo', 6, 'B Accountancy', 'Bachelor of Accountancy'),
  croho('34402', 'hbo', 6, 'B Finance & Control', 'Bachelor of Finance & Control'),
  croho('34139', 'hbo', 6, 'B HBO-Rechten', 'Bachelor of Laws'),
  croho('34566', 'hbo', 6, 'B Fysiotherapie', 'Bachelor of Physiotherapy'),
  croho('34574', 'hbo', 6, 'B Voeding en Diëtetiek', 'Bachelor of Nutrition and Dietetics'),
  croho('34405', 'hbo', 6, 'B Communicatie', 'Bachelor of Communication'),
  croho('34436', 'hbo', 6, 'B Human Resource Management', 'Bachelor of Human Resource Management'),
  croho('34280', 'hbo', 6, 'B Werktuigbouwkunde', 'Bachelor of Mechanical Engineering'),
  croho('34269', 'hbo', 6, 'B Elektrotechniek', 'Bachelor of Electrical Engineering'),
  croho('34262', 'hbo', 6, 'B Civiele Techniek', 'Bachelor of Civil Engineering'),
  croho('34256', 'hbo', 6, 'B Bouwkunde', 'Bachelor of Built Environment'),
  croho('30009', 'hbo', 6, 'B International Business', 'Bachelor of International Business'),
  croho('34409', 'hbo', 6, 'B Logistics Management', 'Bachelor of Logistics Management'),
  croho('34588', 'hbo', 6, 'B Toegepaste Psychologie', 'Bachelor of Applied Psychology'),
  croho('34396', 'hbo', 6, 'B Chemie', 'Bachelor of Chemistry'),
  croho('34565', 'hbo', 6, 'B Ergotherapie', 'Bachelor of Occupational Therapy'),
  croho('34567', 'hbo', 6, 'B Logopedie', 'Bachelor of Speech and Language Therapy'),
  croho('34550', 'hbo', 6, 'B Verloskunde', 'Bachelor of Midwifery'),
  croho('34092', 'hbo', 6, 'B Communication and Multimedia Design', 'Bachelor of Communication and Multimedia Design'),
  croho('34602', 'hbo', 6, 'B Leraar Engels (tweedegraads)', 'Bachelor of Education in English'),
  croho('34920', 'hbo', 6, 'B Mondzorgkunde', 'Bachelor of Oral Health'),
  // associate degrees
  croho('80084', 'hbo', 5, 'Ad Software Development', 'Associate Degree in Software Development'),
  croho('80039', 'hbo', 5, 'Ad Accountancy', 'Associate Degree in Accountancy'),
  croho('80051', 'hbo', 5, 'Ad Pedagogisch Educatief Professional', 'Associate Degree in Pedagogical and Educational Practice'),
  croho('80010', 'hbo', 5, 'Ad Ondernemen', 'Associate Degree in Entrepreneurship'),
  croho('80072', 'hbo', 5, 'Ad Management in de Zorg', 'Associate Degree in Healthcare Management'),
  // hbo masters
  croho('49505', 'hbo', 7, 'M Social Work', 'Master of Social Work'),
  croho('49251', 'hbo', 7, 'M Advanced Nursing Practice', 'Master of Advanced Nursing Practice'),
  croho('49106', 'hbo', 7, 'M Leren en Innoveren', 'Master of Education in Learning and Innovation'),
  croho('49242', 'hbo', 7, 'M Physician Assistant', 'Master of Physician Assistant'),
];

const woProgrammes: DemoProgramme[] = [
  // bachelors
  croho('50400', 'wo', 6, 'B Rechtsgeleerdheid', 'Bachelor of Laws'),
  croho('56551', 'wo', 6, 'B Geneeskunde', 'Bachelor of Science in Medicine'),
  croho('56604', 'wo', 6, 'B Psychologie', 'Bachelor of Science in Psychology'),
  croho('50950', 'wo', 6, 'B Econometrie en Operationele Research', 'Bachelor of Science in Econometrics and Operations Research'),
  croho('50952', 'wo', 6, 'B Economie en Bedrijfseconomie', 'Bachelor of Science in Economics and Business Economics'),
  croho('56978', 'wo', 6, 'B Informatica', 'Bachelor of Science in Computer Science'),
  croho('56980', 'wo', 6, 'B Wiskunde', 'Bachelor of Science in Mathematics'),
  croho('56984', 'wo', 6, 'B Natuur- en Sterrenkunde', 'Bachelor of Science in Physics and Astronomy'),
  croho('56857', 'wo', 6, 'B Scheikunde', 'Bachelor of Science in Chemistry'),
  croho('56860', 'wo', 6, 'B Biologie', 'Bachelor of Science in Biology'),
  croho('56034', 'wo', 6, 'B Geschiedenis', 'Bachelor of Arts in History'),
  croho('56081', 'wo', 6, 'B Wijsbegeerte', 'Bachelor of Arts in Philosophy'),
  croho('56601', 'wo', 6, 'B Sociologie', 'Bachelor of Science in Sociology'),
  croho('56607', 'wo', 6, 'B Pedagogische Wetenschappen', 'Bachelor of Science in Educational Sciences'),
  croho('56560', 'wo', 6, 'B Tandheelkunde', 'Bachelor of Science in Dentistry'),
  croho('56990', 'wo', 6, 'B Biomedische Wetenschappen', 'Bachelor of Science in Biomedical Sciences'),
  croho('56806', 'wo', 6, 'B Engelse Taal en Cultuur', 'Bachelor of Arts in English Language and Culture'),
  croho('56981', 'wo', 6, 'B Kunstmatige Intelligentie', 'Bachelor of Science in Artificial Intelligence'),
  croho('56992', 'wo', 6, 'B Lucht- en Ruimtevaarttechniek', 'Bachelor of Science in Aerospace Engineering'),
  croho('56966', 'wo', 6, 'B Werktuigbouwkunde', 'Bachelor of Science in Mechanical Engineering'),
  croho('50645', 'wo', 6, 'B Bedrijfskunde', 'Bachelor of Science in Business Administration'),
  croho('56627', 'wo', 6, 'B Bestuurskunde', 'Bachelor of Science in Public Administration'),
  // masters
  croho('66551', 'wo', 7, 'M Geneeskunde', 'Master of Medicine'),
  croho('60400', 'wo', 7, 'M Rechtsgeleerdheid', 'Master of Laws'),
  croho('66604', 'wo', 7, 'M Psychologie', 'Master of Science in Psychology'),
  croho('60300', 'wo', 7, 'M Computer Science', 'Master of Science in Computer Science'),
  croho('60445', 'wo', 7, 'M Aerospace Engineering', 'Master of Science in Aerospace Engineering'),
  croho('60950', 'wo', 7, 'M Econometrics and Operations Research', 'Master of Science in Econometrics and Operations Research'),
  croho('66981', 'wo', 7, 'M Artificial Intelligence', 'Master of Science in Artificial Intelligence'),
  croho('60644', 'wo', 7, 'M Business Administration', 'Master of Science in Business Administration'),
  croho('60045', 'wo', 7, 'M Environment and Resource Management', 'Master of Science in Environment and Resource Management'),
  croho('60439', 'wo', 7, 'M Mechanical Engineering', 'Master of Science in Mechanical Engineering'),
  croho('66990', 'wo', 7, 'M Biomedical Sciences', 'Master of Science in Biomedical Sciences'),
  croho('60353', 'wo', 7, 'M Electrical Engineering', 'Master of Science in Electrical Engineering'),
  croho('66401', 'wo', 7, 'M Economics', 'Master of Science in Economics'),
  croho('60084', 'wo', 7, 'M Nutrition and Health', 'Master of Science in Nutrition and Health'),
  croho('66560', 'wo', 7, 'M Tandheelkunde', 'Master of Dentistry'),
];

export const demoProgrammes: DemoProgramme[] = [...vo, ...mboProgrammes, ...hboProgrammes, ...woProgrammes];
